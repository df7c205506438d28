/**
 * In-memory rate limiter with several windows per key, checked together: a request passes only when
 * every window has room, and only requests that pass are counted (the real providers do not charge
 * rejected calls against the budget).
 *
 * - `rolling`: a sliding log of timestamps — exactly "at most N in any interval", as HubSpot's
 *   TEN_SECONDLY_ROLLING and Stripe's per-second limits behave.
 * - `fixed`: a counter reset at interval boundaries (UTC-aligned), as daily quotas behave.
 */
export interface TWindowConfig {
  name: string;
  limit: number;
  intervalMs: number;
  kind?: "rolling" | "fixed";
}

export interface TWindowStatus {
  name: string;
  limit: number;
  intervalMs: number;
  remaining: number;
  /** When the next slot frees up (rolling) or the window resets (fixed), relative to now. */
  resetInMs: number;
}

export interface TTakeResult {
  allowed: boolean;
  /** Name of the first window that refused, when not allowed. */
  blockedBy?: string;
  windows: TWindowStatus[];
  /** Wait this long before a retry can pass the refusing window; 0 when allowed. */
  retryAfterMs: number;
}

interface TRollingLog {
  stamps: number[];
  head: number;
}

interface TFixedCount {
  windowStart: number;
  count: number;
}

export function createRateLimiter(options: { windows: TWindowConfig[]; now?: () => number }) {
  const now = options.now ?? Date.now;
  let windows = options.windows.map((w) => ({ kind: "rolling" as const, ...w }));
  // key → window name → state
  const state = new Map<string, Map<string, TRollingLog | TFixedCount>>();

  function stateFor(key: string, w: (typeof windows)[number], t: number): TRollingLog | TFixedCount {
    let perKey = state.get(key);
    if (!perKey) state.set(key, (perKey = new Map<string, TRollingLog | TFixedCount>()));
    let s = perKey.get(w.name);
    if (!s) {
      s =
        w.kind === "fixed" ? { windowStart: alignStart(t, w.intervalMs), count: 0 } : { stamps: [], head: 0 };
      perKey.set(w.name, s);
    }
    if ("stamps" in s) pruneLog(s, t - w.intervalMs);
    else if (t - s.windowStart >= w.intervalMs) {
      s.windowStart = alignStart(t, w.intervalMs);
      s.count = 0;
    }
    return s;
  }

  function statusOf(w: (typeof windows)[number], s: TRollingLog | TFixedCount, t: number): TWindowStatus {
    if ("stamps" in s) {
      const used = s.stamps.length - s.head;
      const oldest = s.stamps[s.head];
      return {
        name: w.name,
        limit: w.limit,
        intervalMs: w.intervalMs,
        remaining: Math.max(0, w.limit - used),
        resetInMs: oldest === undefined ? 0 : Math.max(0, oldest + w.intervalMs - t),
      };
    }
    return {
      name: w.name,
      limit: w.limit,
      intervalMs: w.intervalMs,
      remaining: Math.max(0, w.limit - s.count),
      resetInMs: s.windowStart + w.intervalMs - t,
    };
  }

  /** Rolling windows: the slot that frees first is the `used - limit + cost`-th oldest stamp. */
  function retryAfter(
    w: (typeof windows)[number],
    s: TRollingLog | TFixedCount,
    t: number,
    cost: number,
  ): number {
    if ("stamps" in s) {
      const used = s.stamps.length - s.head;
      const idx = s.head + Math.max(0, used - w.limit + cost - 1);
      const stamp = s.stamps[idx];
      return stamp === undefined ? 0 : Math.max(1, stamp + w.intervalMs - t);
    }
    return Math.max(1, s.windowStart + w.intervalMs - t);
  }

  function take(key: string, cost = 1): TTakeResult {
    const t = now();
    const states = windows.map((w) => ({ w, s: stateFor(key, w, t) }));
    for (const { w, s } of states) {
      const used = "stamps" in s ? s.stamps.length - s.head : s.count;
      if (used + cost > w.limit) {
        return {
          allowed: false,
          blockedBy: w.name,
          windows: states.map((x) => statusOf(x.w, x.s, t)),
          retryAfterMs: retryAfter(w, s, t, cost),
        };
      }
    }
    for (const { s } of states) {
      if ("stamps" in s) for (let i = 0; i < cost; i++) s.stamps.push(t);
      else s.count += cost;
    }
    return { allowed: true, windows: states.map((x) => statusOf(x.w, x.s, t)), retryAfterMs: 0 };
  }

  /** Current status without taking a slot (for headers on answers that are not charged). */
  function peek(key: string): TWindowStatus[] {
    const t = now();
    return windows.map((w) => statusOf(w, stateFor(key, w, t), t));
  }

  /** Changes a window's limit (and optionally interval) live; counted history is kept. */
  function configure(name: string, change: { limit?: number; intervalMs?: number }): void {
    windows = windows.map((w) => (w.name === name ? { ...w, ...change } : w));
  }

  function config(): TWindowConfig[] {
    return windows.map((w) => ({ ...w }));
  }

  return { take, peek, configure, config, reset: () => state.clear() };
}

export type TRateLimiter = ReturnType<typeof createRateLimiter>;

function alignStart(t: number, intervalMs: number): number {
  return Math.floor(t / intervalMs) * intervalMs;
}

/** Drops stamps at or before `cutoff`; compacts the array once the dead prefix dominates. */
function pruneLog(log: TRollingLog, cutoff: number): void {
  while (log.head < log.stamps.length && log.stamps[log.head]! <= cutoff) log.head++;
  if (log.head > 1024 && log.head * 2 > log.stamps.length) {
    log.stamps = log.stamps.slice(log.head);
    log.head = 0;
  }
}
