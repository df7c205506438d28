/**
 * Chaos (issue 10 item 2): the seed burst of bench/lib/sync-burst.ts under one failure at a time, each
 * ending with the reconciliation of bench/lib/reconcile.ts (HubSpot sandbox ⇄ Stripe sandbox ⇄
 * RevBridge's mappings, inbox and dead letters) that fails on any lost, duplicated or drifted record.
 *
 *   npm run bench -- chaos [--quick] [--scenario <name>[,<name>…]] [--repeat <n>]
 *
 * Scenarios: faults (20 % mixed 429/5xx/timeouts/resets on both stand-ins), kill-app and kill-runner
 * (`kill -9` mid-burst, then restart), pg-restart (PostgreSQL stopped and started mid-burst — an
 * embedded server this bench starts under /tmp on its own port, never the machine's), triple-delivery
 * (every webhook sent three times, shuffled), outage (the HubSpot API answers 503 and its webhooks are
 * held for 5 minutes — 8 s in quick mode — then recover).
 *
 * All scenarios share one stack (database, sandboxes, app, runner); each burst has its own email tag,
 * so each reconciles only its own records. The runner runs with time compression (retry backoff and
 * the inbox sweeper's cron shortened): these are correctness runs, not timing runs. Exit code 1 when
 * any reconciliation fails.
 */
import { rmSync } from "node:fs";
import { hasFlag, numberFlag, stringFlag } from "@/bench/lib/args";
import { reconcile, type TReconciliation } from "@/bench/lib/reconcile";
import {
  driveBurst,
  engineTally,
  runnerBacklog,
  waitForQuiet,
  waitForSync,
  type TBurstLoad,
} from "@/bench/lib/sync-burst";
import { serveSyncApp, startSyncStack, type TSyncStack } from "@/bench/lib/sync-stack";
import { sleep } from "@/bench/lib/wait";
import { ensureDatabase, startEmbeddedPostgres } from "@/scripts/lib/embedded-postgres";

interface TMode {
  quick: boolean;
  load: Omit<TBurstLoad, "tag">;
  /** How long a scenario may take to converge after its load, before it counts as failed. */
  settleSeconds: number;
  outageSeconds: number;
  downSeconds: number;
  timeCompression: number;
}

const QUICK: TMode = {
  quick: true,
  load: { contacts: 60, customers: 6, purchases: 6, loadSeconds: 3 },
  settleSeconds: 40,
  outageSeconds: 8,
  downSeconds: 1,
  timeCompression: 20,
};
const FULL: TMode = {
  quick: false,
  load: { contacts: 1000, customers: 100, purchases: 150, loadSeconds: 50 },
  settleSeconds: 600,
  outageSeconds: 300,
  downSeconds: 5,
  // Backoff ÷ 5: 8 retries (15 s … 2 h of backoff at Inngest) still outlast a 5-minute outage.
  timeCompression: 5,
};

interface TContext {
  stack: TSyncStack;
  mode: TMode;
  restartPostgres: () => Promise<void>;
}

/** What a scenario does: set-up before the burst, a strike at `at` of the burst, tidy-up once synced. */
interface TScenario {
  before?: (c: TContext) => Promise<void>;
  at?: number;
  strike?: (c: TContext) => Promise<void>;
  after?: (c: TContext) => Promise<void>;
}

const MIXED_FAULTS = {
  rates: { "429": 0.04, "500": 0.04, "503": 0.04, timeout: 0.04, reset: 0.04 },
  timeoutHangMs: 2_000,
  seed: 20,
};

const SCENARIOS: Record<string, TScenario> = {
  faults: {
    before: ({ stack }) => stack.setFaults(MIXED_FAULTS),
    after: ({ stack }) => stack.setFaults({}),
  },
  "kill-app": {
    at: 0.4,
    strike: async ({ stack, mode }) => {
      await stack.killApp();
      await sleep(mode.downSeconds * 1000);
      await stack.startApp();
    },
  },
  "kill-runner": {
    at: 0.4,
    strike: async ({ stack, mode }) => {
      await stack.killRunner();
      await sleep(mode.downSeconds * 1000);
      await stack.startRunner();
    },
  },
  "pg-restart": { at: 0.4, strike: ({ restartPostgres }) => restartPostgres() },
  "triple-delivery": {
    before: ({ stack }) => stack.configureWebhooks({ copies: 3, reorderJitterMs: 2_000 }),
    after: ({ stack }) => stack.configureWebhooks({ copies: 1, reorderJitterMs: 0 }),
  },
  outage: {
    at: 0.3,
    strike: async ({ stack, mode }) => {
      await stack.setFaults({ paused: true }, ["hubspot"]);
      await stack.configureWebhooks({ paused: true }, ["hubspot"]);
      await sleep(mode.outageSeconds * 1000);
      await stack.setFaults({}, ["hubspot"]);
      await stack.configureWebhooks({ paused: false }, ["hubspot"]);
    },
  },
};

type TFaultCounts = Record<string, number>;

async function injectedFaults(stack: TSyncStack): Promise<TFaultCounts> {
  const out: TFaultCounts = {};
  for (const [provider, url] of [
    ["hubspot", stack.hub.url],
    ["stripe", stack.str.url],
  ] as const) {
    const counters = (await (await fetch(`${url}/__sandbox/counters`)).json()) as { faults: TFaultCounts };
    for (const [kind, n] of Object.entries(counters.faults)) out[`${provider}:${kind}`] = n;
  }
  return out;
}

function subtract(after: TFaultCounts, before: TFaultCounts): TFaultCounts {
  return Object.fromEntries(
    Object.entries(after)
      .map(([k, n]) => [k, n - (before[k] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
}

interface TScenarioResult {
  scenario: string;
  round: number;
  passed: boolean;
  seconds: number;
  synced: { h: number; s: number; p: number };
  strike?: { atSecond: number; seconds?: number };
  injectedFaults: TFaultCounts;
  reconciliation: TReconciliation;
  runnerBacklog?: Awaited<ReturnType<typeof runnerBacklog>>;
  children?: ReturnType<TSyncStack["children"]>;
}

async function runScenario(c: TContext, name: string, round: number): Promise<TScenarioResult> {
  const scenario = SCENARIOS[name]!;
  const load: TBurstLoad = { ...c.mode.load, tag: `${name}-${round}` };
  const started = Date.now();
  await scenario.before?.(c);
  const faultsBefore = await injectedFaults(c.stack);
  let strike: Promise<void> | undefined;
  let struckAt: number | undefined;
  const seeded = await driveBurst(c.stack, load, (fraction) => {
    if (scenario.strike && !strike && fraction >= (scenario.at ?? 0)) {
      struckAt = Date.now();
      strike = scenario.strike(c);
      strike.catch(() => undefined); // awaited (and rethrown) after the load
    }
  });
  await strike;
  const strikeSeconds = struckAt ? (Date.now() - struckAt) / 1000 : undefined;
  const deadline = Date.now() + c.mode.settleSeconds * 1000;
  const { done } = await waitForSync(c.stack, load, deadline);
  // Faults and webhook knobs stay on until the sync converged: most calls come after the load.
  await scenario.after?.(c);
  // Echoes and retries still in flight must land before duplicates and drift are judged; whatever is
  // still unfinished at the deadline is reported as such.
  await sleep(c.mode.quick ? 1_000 : 5_000);
  await waitForQuiet(c.stack, Math.max(deadline, Date.now() + 10_000));
  const reconciliation = await reconcile(c.stack, load, seeded);
  const result = {
    scenario: name,
    round,
    passed: reconciliation.ok,
    seconds: (Date.now() - started) / 1000,
    synced: done,
    // Evidence the failure happened: when the strike began and ended, and faults the sandboxes answered.
    strike: struckAt ? { atSecond: (struckAt - started) / 1000, seconds: strikeSeconds } : undefined,
    injectedFaults: subtract(await injectedFaults(c.stack), faultsBefore),
    reconciliation,
    ...(reconciliation.ok
      ? {}
      : { runnerBacklog: await runnerBacklog(c.stack), children: c.stack.children() }),
  };
  process.stdout.write(
    `chaos ${name} #${round}: ${result.passed ? "PASS" : "FAIL"} in ${result.seconds.toFixed(1)} s` +
      `${result.passed ? "" : ` — ${reconciliation.problems.join("; ")}`}\n`,
  );
  return result;
}

export async function run(): Promise<Record<string, unknown>> {
  const mode = hasFlag("--quick") ? QUICK : FULL;
  const names = stringFlag("--scenario")?.split(",") ?? Object.keys(SCENARIOS);
  const unknown = names.filter((n) => !(n in SCENARIOS));
  if (unknown.length > 0)
    throw new Error(
      `unknown chaos scenario "${unknown.join(", ")}"; one of ${Object.keys(SCENARIOS).join(", ")}`,
    );
  const repeat = numberFlag("--repeat", 1);
  const started = Date.now();
  // PostgreSQL of our own, so restarting it touches nothing else on the machine.
  // Its own parent directory: as root, the data dir's parent is handed to the postgres user.
  const dataDir = `/tmp/rb-chaos/pg-${process.pid}`;
  // persistent: a non-persistent server deletes its data on stop, which a restart must keep.
  const server = await startEmbeddedPostgres({ dataDir, persistent: true });
  let stack: TSyncStack | undefined;
  const results: TScenarioResult[] = [];
  try {
    const databaseUrl = await ensureDatabase(server.adminUrl, "chaos", { fresh: true });
    stack = await startSyncStack({
      scenario: "bench/chaos.ts",
      databaseUrl,
      timeCompression: mode.timeCompression,
      // HubSpot retries a failed delivery after 1 min, 4 min, …; Stripe after 1 h, …: compressed here.
      hubspotWebhooks: { timeScale: 1 / 60 },
      stripeRetryDelaysMs: [1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 120_000],
    });
    const context: TContext = { stack, mode, restartPostgres: () => server.restart() };
    for (let round = 1; round <= repeat; round++)
      for (const name of names) results.push(await runScenario(context, name, round));
    const failed = results.filter((r) => !r.passed).length;
    if (failed > 0) process.exitCode = 1;
    return {
      mode: mode.quick ? "quick" : "full",
      load: mode.load,
      runnerTimeCompression: mode.timeCompression,
      totalSeconds: (Date.now() - started) / 1000,
      passed: results.length - failed,
      failed,
      results,
      engine: await engineTally(stack),
    };
  } finally {
    await stack?.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes("--app")) {
  await serveSyncApp({ sweeper: true });
}
