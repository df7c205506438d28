/**
 * The demo's traffic generator: people follow the WeChat account, fill in HubSpot forms, apply in
 * OpenApply and pay in Stripe, through the stand-ins, so the console has something to show. See
 * README.md in this folder.
 *
 * ```ts
 * const traffic = startTraffic({ sandboxes: await startAllSandboxes({...}), seed: 7, log: console.log });
 * traffic.stats(); await traffic.stop();
 * ```
 */
import { WECHAT_SANDBOX_DEFAULTS } from "../wechat";
import { createTrafficEngine, type TActionRecord, type TTrafficStats } from "./engine";
import { createRandom } from "./prng";
import type { TSandboxName } from "./setup";

export const DEFAULT_SEED = 2026;
export const DEFAULT_RATE_PER_MINUTE = 30;
/** Not credentials: the stand-ins accept any well-formed test key and bearer token unless pinned. */
export const DEFAULT_STRIPE_KEY = "sk_test_RevBridgeTrafficGenerator2026";
export const DEFAULT_HUBSPOT_TOKEN = "pat-na1-revbridge-traffic-generator";

/** What the generator needs of the stand-ins; `TAllSandboxes` from sandbox/start-all.ts is one. */
export interface TTrafficTargets {
  urls: Record<TSandboxName, string>;
  /** The WeChat account's credentials (for its QR code API); the sandbox defaults otherwise. */
  wechat?: { account: { appId: string; appSecret: string } };
}

export interface TTrafficOptions {
  sandboxes: TTrafficTargets;
  seed?: number;
  /** Average actions per minute (default 30); 0 starts no timer — drive it with `runSteps`. */
  ratePerMinute?: number;
  log?: (line: string) => void;
  stripeKey?: string;
  hubspotToken?: string;
}

export interface TTraffic {
  /** Stops the timer and waits for the step in progress. */
  stop(): Promise<void>;
  stats(): TTrafficStats;
  /** The most recent action records (up to 1,000). */
  actions(): TActionRecord[];
  /** Runs `n` steps now, back to back (tests, or a burst from the demo). */
  runSteps(n: number): Promise<TActionRecord[]>;
}

/** Longest wait after repeated setup failures (sandboxes not up yet). */
const MAX_BACKOFF_MS = 60_000;

export function startTraffic(options: TTrafficOptions): TTraffic {
  const seed = options.seed ?? DEFAULT_SEED;
  const rate = options.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE;
  if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`ratePerMinute must be ≥ 0, got ${rate}`);
  const log = options.log ?? (() => {});
  const engine = createTrafficEngine({
    urls: options.sandboxes.urls,
    wechat: options.sandboxes.wechat?.account ?? WECHAT_SANDBOX_DEFAULTS,
    seed,
    stripeKey: options.stripeKey ?? DEFAULT_STRIPE_KEY,
    hubspotToken: options.hubspotToken ?? DEFAULT_HUBSPOT_TOKEN,
    log,
  });
  // Its own stream: how long the pauses are never changes what is planned.
  const timing = createRandom(seed).fork("timing");

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });

  async function loop(): Promise<void> {
    let setupFailures = 0;
    while (!stopped) {
      try {
        await engine.runStep();
        setupFailures = 0;
      } catch (error) {
        // Only setup throws (the sandboxes are not up, or are not sandboxes): say so and back off.
        setupFailures++;
        const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
        log(`traffic: setup failed (${why}); retrying`);
      }
      if (stopped) break;
      // Uniform jitter around the mean interval: people do not act on a metronome.
      const interval = (60_000 / rate) * (0.5 + timing.next());
      await sleep(setupFailures > 0 ? Math.min(MAX_BACKOFF_MS, 2_000 * 2 ** setupFailures) : interval);
    }
  }

  const running = rate > 0 ? loop() : Promise.resolve();
  if (rate > 0) log(`traffic: seed ${seed}, about ${rate} actions a minute`);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await running;
    },
    stats: engine.stats,
    actions: engine.actions,
    runSteps: (n) => engine.runSteps(n),
  };
}

export { createTrafficEngine, type TActionRecord, type TTrafficEngine, type TTrafficStats } from "./engine";
