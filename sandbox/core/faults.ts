import { z } from "zod";

/**
 * Per-run fault settings, set with `POST /__sandbox/faults`. Faults are decided before the provider's
 * handler runs, so a faulted request changes no state — as when a real gateway rejects it.
 */
export const FAULT_KINDS = ["429", "500", "503", "timeout", "reset"] as const;
export const ZFaultKind = z.enum(FAULT_KINDS);
export type TFaultKind = z.infer<typeof ZFaultKind>;

const ZRate = z.number().min(0).max(1);

export const ZFaultSettings = z
  .object({
    /** Probability per request of each fault kind; they are drawn in one roll, so the sum must be ≤ 1. */
    rates: z
      .object({
        "429": ZRate.default(0),
        "500": ZRate.default(0),
        "503": ZRate.default(0),
        /** Hang without answering for `timeoutHangMs`, then drop the connection. */
        timeout: ZRate.default(0),
        /** Drop the connection at once with a TCP reset. */
        reset: ZRate.default(0),
      })
      .strict()
      .default({ "429": 0, "500": 0, "503": 0, timeout: 0, reset: 0 }),
    /** Added to every provider request before it is handled. */
    latencyMs: z.number().int().min(0).max(120_000).default(0),
    /** Uniform extra latency in [0, latencyJitterMs). */
    latencyJitterMs: z.number().int().min(0).max(120_000).default(0),
    timeoutHangMs: z.number().int().min(0).max(600_000).default(30_000),
    /** An outage: every provider request answers 503 (the provider's shape) until unpaused. */
    paused: z.boolean().default(false),
    /** Forced faults for the next requests, in order, before any random draw: deterministic tests. */
    script: z.array(ZFaultKind).max(10_000).default([]),
    /** Only requests whose path starts with one of these prefixes are faulted (all when empty). */
    pathPrefixes: z.array(z.string().startsWith("/")).default([]),
    /** Seeds the random draws so a benchmark run can be repeated exactly. */
    seed: z.number().int().optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const sum = Object.values(s.rates).reduce((a, b) => a + b, 0);
    if (sum > 1 + 1e-9) ctx.addIssue({ code: "custom", path: ["rates"], message: "must sum to at most 1" });
  });

export type TFaultSettings = z.infer<typeof ZFaultSettings>;
export type TFaultSettingsInput = z.input<typeof ZFaultSettings>;

export type TFaultDecision = { kind: TFaultKind | "paused" | null; delayMs: number };

/** mulberry32: small, fast and good enough for fault draws; reproducible from a seed. */
export function createSeededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Holds the current settings and the remaining script; `decide` is pure apart from those. */
export function createFaultInjector(initial?: TFaultSettingsInput) {
  let settings = ZFaultSettings.parse(initial ?? {});
  let script: TFaultKind[] = [...settings.script];
  let random = settings.seed === undefined ? Math.random : createSeededRandom(settings.seed);

  function configure(input: unknown): TFaultSettings {
    settings = ZFaultSettings.parse(input ?? {});
    script = [...settings.script];
    random = settings.seed === undefined ? Math.random : createSeededRandom(settings.seed);
    return current();
  }

  function current(): TFaultSettings {
    return { ...settings, script: [...script] };
  }

  function applies(path: string): boolean {
    return settings.pathPrefixes.length === 0 || settings.pathPrefixes.some((p) => path.startsWith(p));
  }

  function decide(path: string): TFaultDecision {
    if (!applies(path)) return { kind: null, delayMs: 0 };
    const delayMs =
      settings.latencyMs +
      (settings.latencyJitterMs > 0 ? Math.floor(random() * settings.latencyJitterMs) : 0);
    if (settings.paused) return { kind: "paused", delayMs };
    const scripted = script.shift();
    if (scripted) return { kind: scripted, delayMs };
    const roll = random();
    let edge = 0;
    for (const kind of FAULT_KINDS) {
      edge += settings.rates[kind];
      if (roll < edge) return { kind, delayMs };
    }
    return { kind: null, delayMs };
  }

  return { configure, current, decide, reset: () => configure({}) };
}

export type TFaultInjector = ReturnType<typeof createFaultInjector>;
