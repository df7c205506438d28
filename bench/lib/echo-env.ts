/**
 * The two-way sync environment for benchmark scenarios: a scratch migrated database, HubSpot and
 * Stripe sandboxes in this process delivering signed webhooks to the app's intake, and the app
 * (intake + process-webhook + sync-* functions) with the local Inngest runner as child processes.
 * Written for bench/echo.ts; any sync scenario (seed-burst too) can start from it.
 */
import type { ChildProcess } from "node:child_process";
import pg from "pg";
import type Stripe from "stripe";
import { launchAppWithRunner, serveAppChild } from "@/bench/lib/app-child";
import { createScratchDatabase, type TScratchDatabase } from "@/bench/lib/scratch-db";
import { sleep, waitUntil } from "@/bench/lib/wait";
import { startHubspotSandbox, type THubspotSandbox } from "@/sandbox/hubspot";
import { findFreePort, type TChildRunner } from "@/sandbox/inngest/child-runner";
import { startStripeSandbox, type TStripeSandbox } from "@/sandbox/stripe";
import { createTestClient } from "@/sandbox/stripe/test-client";
import { migrateDeploy } from "@/scripts/lib/migrate";

const HUBSPOT_SECRET = "bench-sync-hubspot-secret";
const STRIPE_SECRET = "whsec_bench_sync";
const APP_ID = "1160452";
const TOKEN = "pat-na1-bench0000-0000-0000-0000-000000000000";
/** The app's key; the scenario's own edits use another key, as a Dashboard user would not share its limit. */
const APP_STRIPE_KEY = "sk_test_benchsync1234567890";
const OPERATOR_STRIPE_KEY = "sk_test_benchoperator123456";

/** In the `--app` child: the intake and the functions a two-way sync needs. */
export function serveSyncApp(): Promise<void> {
  return serveAppChild(async () => {
    const { webhookDispatchFunctions } = await import("@/inngest/functions/process-webhook");
    const { syncContactToStripeFunction } = await import("@/inngest/functions/sync-contact-to-stripe");
    const { syncCustomerToHubspotFunction } = await import("@/inngest/functions/sync-customer-to-hubspot");
    const { syncPurchaseToHubspotFunction } = await import("@/inngest/functions/sync-purchase-to-hubspot");
    return [
      ...webhookDispatchFunctions,
      syncContactToStripeFunction,
      syncCustomerToHubspotFunction,
      syncPurchaseToHubspotFunction,
    ];
  });
}

export interface TSandboxCounters {
  requests: number;
  rateLimited: number;
  /** Successful provider-API writes (control routes are not counted). */
  writes: number;
  byRoute: Record<string, number>;
}

export interface TSyncBenchEnv {
  pool: pg.Pool;
  hub: THubspotSandbox;
  str: TStripeSandbox;
  /** A Stripe client with its own key: the people editing customers, not the app. */
  stripe: Stripe;
  counters(system: "hubspot" | "stripe"): Promise<TSandboxCounters>;
  /** Sandbox control call on HubSpot (a salesperson's action in the CRM UI). */
  hubspotControl<T>(path: string, body?: unknown): Promise<T>;
  /**
   * Nothing left to do: both sandboxes' webhooks delivered, the inbox drained and no new decision or
   * write for `stableMs`. Resolves with the seconds it took; throws after `timeoutMs`.
   */
  quiescence(stableMs: number, timeoutMs: number): Promise<number>;
  runnerUrl: string;
  /** The runner's last output, for a scenario's error message. */
  runnerOutput(): string;
  close(): Promise<void>;
}

/** `scenario` is the file (relative to the repo root) whose `--app` mode calls serveSyncApp(). */
export async function startSyncBenchEnv(opts: {
  scenario: string;
  adminUrl: string;
  dbPrefix: string;
}): Promise<TSyncBenchEnv> {
  const db: TScratchDatabase = await createScratchDatabase(opts.adminUrl, opts.dbPrefix);
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on("error", () => undefined);
  let runner: TChildRunner | undefined;
  let app: ChildProcess | undefined;
  let hub: THubspotSandbox | undefined;
  let str: TStripeSandbox | undefined;
  const close = async () => {
    app?.kill("SIGTERM");
    await runner?.kill();
    await hub?.close();
    await str?.close();
    await pool.end();
    await db.drop();
  };
  try {
    await migrateDeploy(db.url, { quiet: true });
    const appPort = await findFreePort();
    const appUrl = `http://127.0.0.1:${appPort}`;
    hub = await startHubspotSandbox({
      webhookUrl: `${appUrl}/api/webhooks/hubspot`,
      settings: { clientSecret: HUBSPOT_SECRET, appId: Number(APP_ID) },
      log: () => undefined,
    });
    str = await startStripeSandbox({
      port: 0,
      webhookUrl: `${appUrl}/api/webhooks/stripe`,
      webhookSecret: STRIPE_SECRET,
      log: () => undefined,
    });
    const launched = await launchAppWithRunner({
      scenario: opts.scenario,
      databaseUrl: db.url,
      appPort,
      env: {
        HUBSPOT_ACCESS_TOKEN: TOKEN,
        HUBSPOT_API_BASE: hub.url,
        HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET,
        HUBSPOT_APP_ID: APP_ID,
        STRIPE_SECRET_KEY: APP_STRIPE_KEY,
        STRIPE_API_BASE: str.url,
        STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
      },
    });
    ({ runner, app } = launched);
    await launched.ready();
    // ready() means both processes answer, not that the runner has synced the app's functions: an
    // event it ingests before that triggers nothing, so wait until it lists them.
    const runnerUrl = launched.runner.url;
    await waitUntil(
      async () => {
        const dev = (await (await fetch(`${runnerUrl}/dev`)).json()) as { functions?: unknown[] };
        return (dev.functions?.length ?? 0) > 0;
      },
      60_000,
      "the runner to sync the app's functions",
    );
  } catch (error) {
    await close();
    throw error;
  }
  const h = hub;
  const s = str;
  const runnerUrl = runner.url;

  const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]!.n);
  const activity = async () =>
    [
      await count(`SELECT count(*) AS n FROM "SyncLog"`),
      await count(`SELECT count(*) AS n FROM "WriteLedger"`),
      await count(`SELECT count(*) AS n FROM "WebhookEvent"`),
    ].join(":");
  const webhooksIdle = () =>
    h.portal.webhooks.pending() === 0 && (h.standIn.webhooks?.isIdle() ?? true) && s.webhooks.isIdle();
  const unfinishedRuns = async () => {
    let n = 0;
    for (const status of ["queued", "running"]) {
      const res = await fetch(`${runnerUrl}/v1/runs?status=${status}&limit=1`);
      n += ((await res.json()) as { data: unknown[] }).data.length;
    }
    return n;
  };
  const backlog = () =>
    count(`SELECT count(*) AS n FROM "WebhookEvent" WHERE status IN ('RECEIVED', 'HANDED_OFF')`);

  return {
    pool,
    hub: h,
    str: s,
    stripe: createTestClient(s.port, OPERATOR_STRIPE_KEY),
    counters: async (system) =>
      (
        await fetch(`${system === "hubspot" ? h.url : s.url}/__sandbox/counters`)
      ).json() as Promise<TSandboxCounters>,
    hubspotControl: async <T>(path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${h.url}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    quiescence: async (stableMs, timeoutMs) => {
      const started = Date.now();
      let last = "";
      let stableSince = Date.now();
      for (;;) {
        const now = await activity();
        const idle = webhooksIdle() && (await backlog()) === 0 && (await unfinishedRuns()) === 0;
        if (now !== last || !idle) {
          last = now;
          stableSince = Date.now();
        } else if (Date.now() - stableSince >= stableMs) {
          return (stableSince - started) / 1000;
        }
        if (Date.now() - started > timeoutMs) throw new Error(`no quiescence after ${timeoutMs} ms`);
        await sleep(250);
      }
    },
    runnerUrl,
    runnerOutput: () => runner?.output() ?? "",
    close,
  };
}
