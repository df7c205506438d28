/**
 * Shared set-up for the runner's conformance suite (*.int.test.ts in this folder): a fresh database,
 * a runner on a free port (or the official dev server when INNGEST_CONFORMANCE_URL is set), real SDK
 * functions served by `inngest/node` on another free port, and polling helpers over the REST API.
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { Inngest, type InngestFunction } from "inngest";
import { createServer } from "inngest/node";
import pg from "pg";
import { inject } from "vitest";
import { z } from "zod";
import { parseEnv } from "@/lib/env";
import { startRunner, type TRunner, type TRunnerOptions } from "./runner";

const ZConformanceEnv = z.object({
  /** Point the suite at another Inngest server (e.g. the official dev server on :8288). */
  INNGEST_CONFORMANCE_URL: z.url().optional(),
  /** Server where each test file creates (and drops) its own database; see adminUrl(). */
  RUNNER_TEST_ADMIN_URL: z.string().optional(),
});

const DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

export const conformanceEnv = parseEnv(ZConformanceEnv);
/** True when running against an external server: runner-internal assertions are skipped. */
export const external = conformanceEnv.INNGEST_CONFORMANCE_URL !== undefined;

export interface TTestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * RUNNER_TEST_ADMIN_URL if set; else the server the integration project's global setup provides
 * (DATABASE_URL's server or the embedded one); else the local default.
 */
function adminUrl(): string {
  if (conformanceEnv.RUNNER_TEST_ADMIN_URL) return conformanceEnv.RUNNER_TEST_ADMIN_URL;
  try {
    return inject("pgAdminUrl") || DEFAULT_ADMIN_URL;
  } catch {
    return DEFAULT_ADMIN_URL;
  }
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createRunnerDatabase(): Promise<TTestDatabase> {
  const name = `runner_t_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last instanceof Error ? last.message : JSON.stringify(last)})` : ""}`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface TRunSummary {
  run_id: string;
  function_id: string;
  status: "Queued" | "Running" | "Completed" | "Failed" | "Cancelled";
  output: unknown;
  event_ids?: string[];
}

export interface TRunDetail extends TRunSummary {
  steps: Array<{ step_id: string; name: string | null; status: string; attempts: number; output: unknown }>;
  attempts: Array<{
    step_id: string | null;
    name: string | null;
    attempt: number;
    started_at: string;
    ended_at: string;
    outcome: string;
    error: unknown;
  }>;
}

const FINAL = new Set(["Completed", "Failed", "Cancelled"]);

export interface TConformance {
  runnerUrl: string;
  appUrl: string;
  inngest: Inngest;
  /** Sends one event and returns the id `send()` returned (the id the REST API lists runs by). */
  send(name: string, data?: Record<string, unknown>, extra?: { id?: string }): Promise<string>;
  api<T>(path: string, init?: RequestInit): Promise<T>;
  runsForEvent(eventId: string): Promise<TRunSummary[]>;
  /** Waits until `count` runs of this event exist and all have finished. */
  finishedRunsForEvent(eventId: string, count?: number, timeoutMs?: number): Promise<TRunSummary[]>;
  /** Waits until every event has at least one finished run; returns the distinct runs. */
  finishedRunsForEvents(eventIds: string[], timeoutMs?: number): Promise<TRunSummary[]>;
  /** Runner only (not in the dev server's API): runs of a function, newest first. */
  runs(functionId: string): Promise<TRunSummary[]>;
  run(runId: string): Promise<TRunDetail>;
  fnId(id: string): string;
  close(): Promise<void>;
}

export interface TConformanceOptions {
  appId?: string;
  /** Overrides for the app's client, e.g. cloud mode with a signing key. */
  client?: { isDev?: boolean; signingKey?: string; eventKey?: string };
  runner?: Omit<TRunnerOptions, "databaseUrl">;
  functions: (inngest: Inngest) => InngestFunction.Like[];
}

/** Starts database + runner + app and syncs the app. Call `close()` in afterAll. */
export async function startConformance(options: TConformanceOptions): Promise<TConformance> {
  const appId = options.appId ?? `conformance-${randomBytes(3).toString("hex")}`;
  let db: TTestDatabase | undefined;
  let runner: TRunner | undefined;
  let runnerUrl = conformanceEnv.INNGEST_CONFORMANCE_URL ?? "";
  if (!external) {
    db = await createRunnerDatabase();
    runner = await startRunner({ logLevel: "error", ...options.runner, port: 0, databaseUrl: db.url });
    await runner.ready;
    runnerUrl = runner.url;
  }
  const inngest = new Inngest({
    id: appId,
    baseUrl: runnerUrl,
    isDev: true,
    ...options.client,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined },
  });
  const server = createServer({ client: inngest, functions: options.functions(inngest) });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
  const sync = await fetch(appUrl, { method: "PUT" });
  if (!sync.ok) throw new Error(`app sync failed: ${sync.status} ${await sync.text()}`);

  const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${runnerUrl}${path}`, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const runsForEvent = async (eventId: string) =>
    (await api<{ data: TRunSummary[] }>(`/v1/events/${eventId}/runs`)).data;
  return {
    runnerUrl,
    appUrl,
    inngest,
    api,
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
          const runs = await runsForEvent(eventId);
          return runs.length >= count && runs.every((r) => FINAL.has(r.status)) ? runs : undefined;
        },
        `${count} finished run(s) for event ${eventId}`,
        timeoutMs,
      ),
    finishedRunsForEvents: async (eventIds, timeoutMs = 20_000) => {
      const byId = new Map<string, TRunSummary>();
      for (const id of eventIds) {
        const runs = await waitFor(
          async () => {
            const found = await runsForEvent(id);
            return found.length > 0 && found.every((r) => FINAL.has(r.status)) ? found : undefined;
          },
          `a finished run for event ${id}`,
          timeoutMs,
        );
        for (const r of runs) byId.set(r.run_id, r);
      }
      return [...byId.values()];
    },
    runs: async (functionId) =>
      (
        await api<{ data: TRunSummary[] }>(
          `/v1/runs?function=${encodeURIComponent(`${appId}-${functionId}`)}&limit=1000`,
        )
      ).data,
    run: async (runId) => (await api<{ data: TRunDetail }>(`/v1/runs/${runId}`)).data,
    fnId: (id) => `${appId}-${id}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runner?.close();
      await db?.drop();
    },
  };
}
