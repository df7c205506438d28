/**
 * The generator without a clock: setup, then steps run one at a time — plan (deterministic), run
 * (I/O), record. `startTraffic` puts a timer around it; tests call `runSteps(n)` directly.
 */
import { createTrafficClients, SkipStepError, type TTrafficClients } from "./clients";
import type { TWechatCredentials } from "./clients/wechat";
import { createRandom } from "./prng";
import { ALL_SCENARIOS, type TPlannedAction, type TScenario } from "./scenarios";
import { chooseNext } from "./scheduler";
import { runSetup, type TSandboxName, type TSetup } from "./setup";
import { createWorld, type TWorld } from "./world";

export type TActionOutcome = "ok" | "failed" | "skipped";

export interface TActionRecord {
  step: number;
  scenario: string;
  person: string;
  who: string;
  summary: string;
  outcome: TActionOutcome;
  /** How it went: ids touched, the app's reply, or the error's first line. */
  note: string;
  durationMs: number;
}

export interface TTrafficStats {
  steps: number;
  ok: number;
  failed: number;
  skipped: number;
  /** Members of the cast met so far. */
  people: number;
  byScenario: Record<string, Record<TActionOutcome, number>>;
  setupRuns: number;
  lastError: string | null;
}

export interface TTrafficEngineOptions {
  urls: Record<TSandboxName, string>;
  wechat: TWechatCredentials;
  seed: number;
  stripeKey: string;
  hubspotToken: string;
  log: (line: string) => void;
  /** Keeps the last N action records (all of them are counted in stats). */
  keepActions?: number;
  scenarios?: readonly TScenario[];
}

/** Attempts at planning before a step is declared idle (only when nobody can do anything). */
const PLAN_TRIES = 3;

/** One line: SDK errors carry bodies and headers after the first line, which logs must not. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return (text.split("\n")[0] ?? "").slice(0, 240);
}

export function createTrafficEngine(options: TTrafficEngineOptions) {
  const world: TWorld = createWorld(options.seed);
  const planRng = createRandom(options.seed).fork("plan");
  const scenarios = options.scenarios ?? ALL_SCENARIOS;
  const clients: TTrafficClients = createTrafficClients(options);
  const keep = options.keepActions ?? 1_000;
  let setup: TSetup | null = null;
  let records: TActionRecord[] = [];
  const stats: TTrafficStats = {
    steps: 0,
    ok: 0,
    failed: 0,
    skipped: 0,
    people: 0,
    byScenario: {},
    setupRuns: 0,
    lastError: null,
  };

  async function ensureSetup(): Promise<TSetup> {
    if (setup) return setup;
    stats.setupRuns++;
    const done = await runSetup(clients, options.urls);
    const created =
      done.createdProperties.length > 0
        ? `, created HubSpot properties ${done.createdProperties.join(", ")}`
        : "";
    options.log(
      `traffic: set up ${Object.keys(done.tickets).length} campaign QR codes and ${Object.keys(done.prices).length} Stripe prices${created}`,
    );
    setup = done;
    return done;
  }

  function planNext(): TPlannedAction | null {
    for (let i = 0; i < PLAN_TRIES; i++) {
      const choice = chooseNext(world, scenarios, planRng);
      if (choice) return choice.scenario.plan(choice.state, planRng, world);
    }
    return null;
  }

  function record(r: TActionRecord): void {
    records.push(r);
    if (records.length > keep) records = records.slice(-keep);
    stats.steps++;
    stats[r.outcome]++;
    const per = (stats.byScenario[r.scenario] ??= { ok: 0, failed: 0, skipped: 0 });
    per[r.outcome]++;
    stats.people = world.people.length;
    const mark = r.outcome === "ok" ? "→" : r.outcome === "failed" ? "✗" : "–";
    options.log(`traffic #${r.step} ${r.scenario} ${r.person} ${r.who}: ${r.summary} ${mark} ${r.note}`);
  }

  /** Runs one step; setup problems throw (nothing was planned), everything else is recorded. */
  async function runStep(): Promise<TActionRecord | null> {
    const ready = await ensureSetup();
    const planned = planNext();
    if (!planned) return null;
    const started = Date.now();
    const base = {
      step: stats.steps + 1,
      scenario: planned.scenario,
      person: planned.person.key,
      who: planned.person.displayName,
      summary: planned.summary,
    };
    let r: TActionRecord;
    try {
      const note = await planned.run({
        clients,
        setup: ready,
        handles: world.handles(planned.person),
        world,
      });
      r = { ...base, outcome: "ok", note, durationMs: Date.now() - started };
    } catch (error) {
      const skipped = error instanceof SkipStepError;
      r = {
        ...base,
        outcome: skipped ? "skipped" : "failed",
        note: firstLine(error),
        durationMs: Date.now() - started,
      };
      if (!skipped) {
        stats.lastError = r.note;
        // A sandbox reset drops QR codes and prices: set up again before the next step.
        setup = null;
      }
    }
    record(r);
    return r;
  }

  return {
    world,
    ensureSetup,
    runStep,
    /** Runs `n` steps back to back and returns their records. */
    async runSteps(n: number): Promise<TActionRecord[]> {
      const out: TActionRecord[] = [];
      for (let i = 0; i < n; i++) {
        const r = await runStep();
        if (r) out.push(r);
      }
      return out;
    },
    actions: (): TActionRecord[] => [...records],
    stats: (): TTrafficStats => structuredClone(stats),
  };
}

export type TTrafficEngine = ReturnType<typeof createTrafficEngine>;
