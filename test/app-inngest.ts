/**
 * Integration-test harness for the APP's Inngest functions: a local runner (sandbox/inngest) on a
 * free port with its own database, the app's `inngest` client pointed at it, and the given app
 * functions served by `inngest/node` on another free port — the same protocol as /api/inngest.
 *
 *   const app = await startAppInngest({ functions: [processWebhookFunction] });
 *   const id = await app.send("revbridge/webhook.received", { ... });
 *   await app.finishedRunsForEvent(id);
 *   await app.close();
 *
 * The functions use `db()`, so call `withFreshDatabase()` in the same file first.
 */
import type { AddressInfo } from "node:net";
import type { InngestFunction } from "inngest";
import { createServer } from "inngest/node";
import { inngest } from "@/inngest/client";
import {
  createRunnerDatabase,
  waitFor,
  type TRunDetail,
  type TRunSummary,
  type TTestDatabase,
} from "@/sandbox/inngest/conformance-harness";
import { startRunner, type TRunner, type TRunnerOptions } from "@/sandbox/inngest/runner";

export { waitFor };
export type { TRunDetail, TRunSummary };

const FINAL = new Set(["Completed", "Failed", "Cancelled"]);

export interface TAppInngest {
  runnerUrl: string;
  appUrl: string;
  runner: TRunner;
  /** Sends one event through the app's client; returns the event id the runs API lists runs by. */
  send(name: string, data?: Record<string, unknown>, extra?: { id?: string }): Promise<string>;
  runsForEvent(eventId: string): Promise<TRunSummary[]>;
  /** Waits until `count` runs of this event exist and all have finished. */
  finishedRunsForEvent(eventId: string, count?: number, timeoutMs?: number): Promise<TRunSummary[]>;
  /** Runs of one app function (id as given to createFunction), newest first. */
  runs(functionId: string): Promise<TRunSummary[]>;
  run(runId: string): Promise<TRunDetail>;
  /** Waits until the function has at least `count` runs and none is still queued or running. */
  settled(functionId: string, count?: number, timeoutMs?: number): Promise<TRunSummary[]>;
  close(): Promise<void>;
}

export async function startAppInngest(options: {
  functions: InngestFunction.Like[];
  runner?: Omit<TRunnerOptions, "databaseUrl" | "port">;
}): Promise<TAppInngest> {
  const database: TTestDatabase = await createRunnerDatabase();
  const runner = await startRunner({
    logLevel: "error",
    ...options.runner,
    port: 0,
    databaseUrl: database.url,
  });
  await runner.ready;
  inngest.setEnvVars({ INNGEST_DEV: runner.url, INNGEST_BASE_URL: runner.url });

  const server = createServer({ client: inngest, functions: options.functions });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
  const sync = await fetch(appUrl, { method: "PUT" });
  if (!sync.ok) throw new Error(`app sync failed: ${sync.status} ${await sync.text()}`);

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${runner.url}${path}`);
    const text = await res.text();
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const runsForEvent = async (eventId: string) =>
    (await api<{ data: TRunSummary[] }>(`/v1/events/${eventId}/runs`)).data;
  const runs = async (functionId: string) =>
    (
      await api<{ data: TRunSummary[] }>(
        `/v1/runs?function=${encodeURIComponent(`${inngest.id}-${functionId}`)}&limit=1000`,
      )
    ).data;

  return {
    runnerUrl: runner.url,
    appUrl,
    runner,
    send: async (name, data = {}, extra = {}) => {
      const { ids } = await inngest.send({ name, data, ...(extra.id ? { id: extra.id } : {}) });
      const id = ids[0];
      if (!id) throw new Error(`send(${name}) returned no event id`);
      return id;
    },
    runsForEvent,
    finishedRunsForEvent: (eventId, count = 1, timeoutMs = 20_000) =>
      waitFor(
        async () => {
          const found = await runsForEvent(eventId);
          return found.length >= count && found.every((r) => FINAL.has(r.status)) ? found : undefined;
        },
        `${count} finished run(s) for event ${eventId}`,
        timeoutMs,
      ),
    runs,
    run: async (runId) => (await api<{ data: TRunDetail }>(`/v1/runs/${runId}`)).data,
    settled: (functionId, count = 1, timeoutMs = 20_000) =>
      waitFor(
        async () => {
          const found = await runs(functionId);
          return found.length >= count && found.every((r) => FINAL.has(r.status)) ? found : undefined;
        },
        `${count} finished run(s) of ${functionId}`,
        timeoutMs,
      ),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runner.close();
      await database.drop();
    },
  };
}
