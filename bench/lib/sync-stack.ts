/**
 * The HubSpot ⇄ Stripe sync under test, as seed-burst and chaos run it: a migrated database, the
 * HubSpot and Stripe sandboxes in this process, the app (webhook intake + sync functions) and the local
 * Inngest runner as child processes. Either child can be killed (`kill -9`) and started again on the
 * same port, which the chaos scenarios do mid-burst.
 */
import type { ChildProcess } from "node:child_process";
import { getPriority, setPriority } from "node:os";
import pg from "pg";
import type Stripe from "stripe";
import { appChildEnv, serveAppChild, startAppChild } from "@/bench/lib/app-child";
import type { TWebhookKnobsInput } from "@/sandbox/core";
import type { TFaultSettingsInput } from "@/sandbox/core/faults";
import { startHubspotSandbox, type THubspotSandbox } from "@/sandbox/hubspot";
import { findFreePort, spawnRunner, type TChildRunner } from "@/sandbox/inngest/child-runner";
import { startStripeSandbox, type TStripeSandbox } from "@/sandbox/stripe";
import { createTestClient } from "@/sandbox/stripe/test-client";
import { migrateDeploy } from "@/scripts/lib/migrate";

const HUBSPOT_SECRET = "bench-sync-hubspot-secret";
const STRIPE_SECRET = "whsec_bench_sync";
const APP_ID = "1160452";
export const HUBSPOT_TOKEN = "pat-na1-bench0000-0000-0000-0000-000000000000";
const STRIPE_KEY = "sk_test_benchsync1234567890";
/**
 * The driver's own key: its customers and purchases stand for Checkout and the Dashboard, whose traffic
 * Stripe does not charge to RevBridge's API key, so it must not eat the app's rate limit (the sandbox
 * limits per key) nor count among the app's 429s.
 */
const DRIVER_STRIPE_KEY = "sk_test_benchcheckout123456";

/**
 * In the app child: the webhook intake plus the dispatcher and the sync functions; with `sweeper`,
 * also the inbox sweeper cron (chaos: rows accepted while the runner was down must still go out).
 */
export async function serveSyncApp(opts: { sweeper: boolean }): Promise<void> {
  await serveAppChild(async () => {
    const { webhookDispatchFunctions } = await import("@/inngest/functions/process-webhook");
    const { syncContactToStripeFunction } = await import("@/inngest/functions/sync-contact-to-stripe");
    const { syncCustomerToHubspotFunction } = await import("@/inngest/functions/sync-customer-to-hubspot");
    const { syncPurchaseToHubspotFunction } = await import("@/inngest/functions/sync-purchase-to-hubspot");
    const { sweepInboxFunction } = await import("@/inngest/functions/sweep-inbox");
    return [
      ...webhookDispatchFunctions,
      syncContactToStripeFunction,
      syncCustomerToHubspotFunction,
      syncPurchaseToHubspotFunction,
      ...(opts.sweeper ? [sweepInboxFunction] : []),
    ];
  });
}

export interface TSyncStackOptions {
  /** The scenario file whose `--app` mode calls serveSyncApp. */
  scenario: string;
  databaseUrl: string;
  /** RUNNER_TIME_COMPRESSION: chaos compresses retry backoff and the sweeper's cron. */
  timeCompression?: number;
  hubspotWebhooks?: Omit<TWebhookKnobsInput, "targetUrl">;
  stripeWebhooks?: Omit<TWebhookKnobsInput, "targetUrl">;
  /** Stripe's real retry schedule is hours; chaos shortens it. */
  stripeRetryDelaysMs?: number[];
  /**
   * Serve the webhook intake from a second app process (as any deployment with more than one instance
   * does, and Vercel always: every request its own instance), so the functions' step calls do not wait
   * in one event loop behind hundreds of webhook requests a second.
   */
  separateIntake?: boolean;
  /**
   * Nice value for this process's main thread (the stand-ins and the driver) once the children run:
   * HubSpot and Stripe answer from machines of their own, while here they share two cores with the app,
   * the runner and PostgreSQL. Starved, the stand-ins read requests late and in bunches, and Stripe's
   * stand-in then counts more than the app sent in a second. Unset or 0: unchanged.
   */
  standInNice?: number;
}

export interface TSyncStack {
  databaseUrl: string;
  pool: pg.Pool;
  hub: THubspotSandbox;
  str: TStripeSandbox;
  /** The driver's Stripe client (retries its own calls, so injected faults do not stop the load). */
  stripe: Stripe;
  /** The nice value this process's main thread runs at (what `standInNice` could be given). */
  standInNice: number;
  startApp(): Promise<void>;
  killApp(): Promise<void>;
  startRunner(): Promise<void>;
  killRunner(): Promise<void>;
  /** Whether each child is running, and the end of its output (diagnosis of a failed scenario). */
  children(): { app: TChildState; runner: TChildState };
  /** Sets fault settings on the sandboxes (both by default; {} clears them). */
  setFaults(settings: TFaultSettingsInput, which?: TProvider[]): Promise<void>;
  /** Sets webhook knobs on the sandboxes (both by default): `paused` holds them, `copies` repeats them. */
  configureWebhooks(knobs: Omit<TWebhookKnobsInput, "targetUrl">, which?: TProvider[]): Promise<void>;
  close(): Promise<void>;
}

export type TProvider = "hubspot" | "stripe";

export interface TChildState {
  running: boolean;
  exit?: string;
  tail: string;
}

function childState(child: ChildProcess | undefined, output: string): TChildState {
  const exited = !child || child.exitCode !== null || child.signalCode !== null;
  return {
    running: !exited,
    ...(exited && child ? { exit: String(child.exitCode ?? child.signalCode) } : {}),
    tail: output.slice(-1500),
  };
}

async function killChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

export async function startSyncStack(opts: TSyncStackOptions): Promise<TSyncStack> {
  await migrateDeploy(opts.databaseUrl, { quiet: true });
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 4 });
  pool.on("error", () => undefined);
  const [appPort, runnerPort] = [await findFreePort(), await findFreePort()];
  const appUrl = `http://127.0.0.1:${appPort}`;
  const intakePort = opts.separateIntake ? await findFreePort() : appPort;
  const intakeUrl = `http://127.0.0.1:${intakePort}`;
  const runnerUrl = `http://127.0.0.1:${runnerPort}`;
  const hub = await startHubspotSandbox({
    webhookUrl: `${intakeUrl}/api/webhooks/hubspot`,
    webhookKnobs: opts.hubspotWebhooks,
    settings: { clientSecret: HUBSPOT_SECRET, appId: Number(APP_ID) },
    log: () => undefined,
  });
  const str = await startStripeSandbox({
    port: 0,
    webhookUrl: `${intakeUrl}/api/webhooks/stripe`,
    webhookSecret: STRIPE_SECRET,
    webhookKnobs: opts.stripeWebhooks,
    webhookRetryDelaysMs: opts.stripeRetryDelaysMs,
    log: () => undefined,
  });
  const env = appChildEnv({
    databaseUrl: opts.databaseUrl,
    appPort,
    runnerUrl,
    env: {
      HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN,
      HUBSPOT_API_BASE: hub.url,
      HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET,
      HUBSPOT_APP_ID: APP_ID,
      STRIPE_SECRET_KEY: STRIPE_KEY,
      STRIPE_API_BASE: str.url,
      STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
    },
  });
  const control = async (which: TProvider[], what: "faults" | "webhooks", body: unknown) => {
    for (const provider of which) {
      const res = await fetch(`${provider === "hubspot" ? hub.url : str.url}/__sandbox/${what}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${provider} ${what}: ${res.status} ${await res.text()}`);
    }
  };
  let app: ChildProcess | undefined;
  let intake: ChildProcess | undefined;
  let appOutput = () => "";
  let runner: TChildRunner | undefined;
  const stack: TSyncStack = {
    databaseUrl: opts.databaseUrl,
    pool,
    hub,
    str,
    standInNice: getPriority(),
    stripe: createTestClient(str.port, DRIVER_STRIPE_KEY, { maxNetworkRetries: 10, timeout: 8_000 }),
    async startApp() {
      const started = startAppChild(opts.scenario, env);
      app = started.child;
      appOutput = started.output;
      // The monitor (if any) describes the functions' process; the intake's would overwrite it.
      const second = opts.separateIntake
        ? startAppChild(opts.scenario, { ...env, BENCH_APP_PORT: String(intakePort), BENCH_APP_MONITOR: "" })
        : undefined;
      intake = second?.child;
      await Promise.all([started.ready, second?.ready]);
    },
    killApp: async () => {
      await Promise.all([killChild(app), killChild(intake)]);
    },
    async startRunner() {
      runner = spawnRunner({
        databaseUrl: opts.databaseUrl,
        port: runnerPort,
        appUrls: [`${appUrl}/api/inngest`],
        timeCompression: opts.timeCompression,
        logLevel: "warn",
      });
      await runner.ready(60_000);
    },
    children: () => ({
      app: childState(app, appOutput()),
      runner: childState(runner?.process, runner?.output() ?? ""),
    }),
    killRunner: async () => {
      await runner?.kill("SIGKILL");
    },
    setFaults: (settings, which = ["hubspot", "stripe"]) => control(which, "faults", settings),
    configureWebhooks: (knobs, which = ["hubspot", "stripe"]) => control(which, "webhooks", knobs),
    async close() {
      await killChild(app);
      await killChild(intake);
      await runner?.kill();
      await hub.close();
      await str.close();
      await pool.end();
    },
  };
  // Runner first (it syncs the app once it answers); ready() returns only after that sync.
  const runnerReady = stack.startRunner();
  await stack.startApp();
  await runnerReady;
  // After the children started: they would inherit it. Below 0 needs root (or CAP_SYS_NICE); without
  // it the run goes on unchanged and its result says so.
  if (opts.standInNice) {
    try {
      setPriority(opts.standInNice);
    } catch (error) {
      process.stderr.write(`stand-ins stay at nice ${getPriority()}: ${(error as Error).message}\n`);
    }
    stack.standInNice = getPriority();
  }
  return stack;
}
