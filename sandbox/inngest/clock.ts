/**
 * Wall time plus optional compression for tests and demos: with `compression` = 3600 a one-hour sleep,
 * a 15 s retry backoff or a 10 s debounce period elapse 3600 times faster. Only waiting is compressed;
 * dedupe and idempotency windows (24 h) stay in real time, since they protect data rather than pace work.
 */
export interface TClock {
  readonly compression: number;
  now(): number;
  /** Real epoch ms at which a delay of `ms` (in function time) ends. */
  after(ms: number): number;
  /** Real epoch ms for an absolute target in function time (e.g. `sleepUntil`). */
  at(targetMs: number): number;
  /** A function-time period as real milliseconds. */
  scale(ms: number): number;
}

export function createClock(compression = 1): TClock {
  const factor = Number.isFinite(compression) && compression > 0 ? compression : 1;
  return {
    compression: factor,
    now: () => Date.now(),
    after: (ms) => Date.now() + Math.max(0, ms) / factor,
    at: (targetMs) => {
      const now = Date.now();
      return now + Math.max(0, targetMs - now) / factor;
    },
    scale: (ms) => ms / factor,
  };
}
