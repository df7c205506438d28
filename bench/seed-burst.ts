/**
 * The issue-6 seed burst: HubSpot contact creations (delivered as HubSpot does, signed, ≤ 100 per
 * request) plus Stripe customers and checkout purchases, all within the first minute, synced both
 * ways by the app's real functions (bench/lib/sync-stack.ts, bench/lib/sync-burst.ts).
 *
 * Lag is the engine's own SyncLog `lagMs` (write time minus the provider's change timestamp);
 * duplicates and losses come from reconciling both sandboxes' state with RevBridge's mappings.
 *
 *   npm run bench -- seed-burst                 (BENCH_SYNC_CONTACTS=10000 for the issue's full size)
 *   npm run bench -- seed-burst-faults          (the same with 10 % injected 5xx and timeouts; --faults <percent>)
 */
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { z } from "zod";
import { numberFlag } from "@/bench/lib/args";
import { reconcile } from "@/bench/lib/reconcile";
import { createScratchDatabase } from "@/bench/lib/scratch-db";
import {
  driveBurst,
  engineTally,
  lagFigures,
  providerCounters,
  waitForSync,
  type TBurstLoad,
} from "@/bench/lib/sync-burst";
import { serveSyncApp, startSyncStack, type TSyncStack } from "@/bench/lib/sync-stack";
import { parseEnv } from "@/lib/env";

const ZBenchEnv = z.object({
  BENCH_POSTGRES_ADMIN_URL: z.string().default("postgresql://postgres@127.0.0.1:5432/postgres"),
  BENCH_SYNC_CONTACTS: z.coerce.number().int().min(10).max(10_000).default(1000),
  BENCH_SYNC_CUSTOMERS: z.coerce.number().int().min(1).max(1000).default(100),
  BENCH_SYNC_PURCHASES: z.coerce.number().int().min(0).max(1000).default(150),
  BENCH_SYNC_TIMEOUT_S: z.coerce.number().int().min(10).max(1800).default(300),
  BENCH_SYNC_LOAD_S: z.coerce.number().min(1).max(60).default(50),
  /** Webhook intake in a second app process (bench/lib/sync-stack.ts `separateIntake`). */
  BENCH_SEPARATE_INTAKE: z.stringbool().default(false),
  /** Keep the scratch database for inspection (the runner's tables are in schema inngest_runner). */
  BENCH_KEEP_DB: z.stringbool().default(false),
  /** The stand-ins' nice value once the app runs (bench/lib/sync-stack.ts `standInNice`); 0 leaves it. */
  BENCH_STANDIN_NICE: z.coerce.number().int().min(-20).max(19).default(-10),
});

async function burst(faultPercent: number): Promise<Record<string, unknown>> {
  const env = parseEnv(ZBenchEnv);
  const db = await createScratchDatabase(env.BENCH_POSTGRES_ADMIN_URL, "bench_sync");
  let stack: TSyncStack | undefined;
  try {
    stack = await startSyncStack({
      scenario: "bench/seed-burst.ts",
      databaseUrl: db.url,
      separateIntake: env.BENCH_SEPARATE_INTAKE,
      standInNice: env.BENCH_STANDIN_NICE,
    });
    const faults =
      faultPercent > 0
        ? {
            rates: {
              "500": (faultPercent * 0.35) / 100,
              "503": (faultPercent * 0.35) / 100,
              timeout: (faultPercent * 0.3) / 100,
            },
            timeoutHangMs: 10_000,
            seed: 6,
          }
        : {};
    await stack.setFaults(faults);
    const load: TBurstLoad = {
      contacts: env.BENCH_SYNC_CONTACTS,
      customers: env.BENCH_SYNC_CUSTOMERS,
      purchases: env.BENCH_SYNC_PURCHASES,
      loadSeconds: env.BENCH_SYNC_LOAD_S,
      tag: "seed",
    };
    // This process runs both sandboxes and the driver: its stalls delay when the sandboxes see
    // requests, and a rolling-second limiter then counts requests sent over a longer span.
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const seeded = await driveBurst(stack, load);
    const loopDuringLoad = loopFigures(loop);
    loop.reset();
    const { done, hubDoneAt, finishedAt } = await waitForSync(
      stack,
      load,
      seeded.startedAt + env.BENCH_SYNC_TIMEOUT_S * 1000,
    );
    const loopAfterLoad = loopFigures(loop);
    loop.disable();
    const counters = await providerCounters(stack);
    await stack.setFaults({});
    // Let late echoes and retries settle before judging duplicates and drift.
    await new Promise((r) => setTimeout(r, 3000));
    const reconciliation = await reconcile(stack, load, seeded);
    return {
      setup: env.BENCH_SEPARATE_INTAKE
        ? "HubSpot + Stripe sandboxes (this process) → app intake (child 1) → local Inngest runner (child) → webhook dispatchers + sync-* functions (app child 2); governor HubSpot 15/s, Stripe 100/s"
        : "HubSpot + Stripe sandboxes (this process) → app intake + webhook dispatchers + sync-* functions (child) → local Inngest runner (child); governor HubSpot 15/s, Stripe 100/s",
      standInNice: stack.standInNice,
      faults: faultPercent > 0 ? { percent: faultPercent, ...faults } : "none",
      load: { ...load, loadSeconds: seeded.loadSeconds },
      synced: done,
      totalSeconds: (finishedAt - seeded.startedAt) / 1000,
      hubspotToStripeSeconds: hubDoneAt ? (hubDoneAt - seeded.startedAt) / 1000 : null,
      lagMs: await lagFigures(stack),
      ...counters,
      driverStripeCalls: load.customers + load.purchases,
      reconciliation,
      engine: await engineTally(stack),
      sandboxLoopDelayMs: { duringLoad: loopDuringLoad, untilSynced: loopAfterLoad },
      targets: {
        stripeToHubspotP95Ms: 5000,
        hubspotToStripeSeconds: (1.1 * env.BENCH_SYNC_CONTACTS) / 100,
        zero: ["429s", "duplicates", "losses"],
      },
    };
  } finally {
    await stack?.close();
    if (env.BENCH_KEEP_DB) process.stdout.write(`kept database ${db.url}\n`);
    else await db.drop();
  }
}

const loopFigures = (h: IntervalHistogram) => ({
  p50: Math.round(h.percentile(50) / 1e5) / 10,
  p99: Math.round(h.percentile(99) / 1e5) / 10,
  max: Math.round(h.max / 1e5) / 10,
});

export const run = () => burst(numberFlag("--faults", 0));
export const runWithFaults = () => burst(numberFlag("--faults", 10));

if (process.argv.includes("--app")) {
  await serveSyncApp({ sweeper: false });
}
