/**
 * Inngest "time strings" (SDK spec 1.3.2): a sequence of decimal numbers with unit suffixes such as
 * `300ms` or `2h45m`; `d` and `w` are fixed 24h / 168h. Timeouts and sleeps may also be an ISO 8601 date.
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h|d|w)/y;

/** Milliseconds in a time string, or `undefined` when it is not one. */
export function parseTimeString(input: string): number | undefined {
  const text = input.trim();
  if (text === "") return undefined;
  if (text === "0") return 0;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const match = PART.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? Number.NaN);
  }
  return Number.isFinite(total) ? total : undefined;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A sleep/timeout target: either a time string relative to `fromMs`, or an absolute ISO date.
 * Returns the absolute epoch milliseconds, or `undefined` when the input is neither.
 */
export function parseTimeTarget(
  input: string,
  fromMs: number,
): { atMs: number; absolute: boolean } | undefined {
  const relative = parseTimeString(input);
  if (relative !== undefined) return { atMs: fromMs + relative, absolute: false };
  if (ISO_DATE.test(input.trim())) {
    const at = Date.parse(input);
    if (Number.isFinite(at)) return { atMs: at, absolute: true };
  }
  return undefined;
}

/** Like parseTimeString but throws a readable error, for validating registrations. */
export function requireTimeString(input: string, what: string): number {
  const ms = parseTimeString(input);
  if (ms === undefined)
    throw new Error(`${what} "${input}" is not a time string (e.g. "30s", "5m", "1h30m")`);
  return ms;
}

/**
 * Retry delays as Inngest's executor schedules them (pkg/backoff TableBackoff: 15s, 30s, 1m, 2m, 5m …
 * capped at 2h), with proportional jitter so a thundering herd of failures spreads out.
 */
const BACKOFF_TABLE_MS = [15e3, 30e3, 60e3, 120e3, 300e3, 600e3, 1_200e3, 2_400e3, 3_600e3, 7_200e3];

export function computeBackoffMs(attempt: number, random: () => number = Math.random): number {
  const index = Math.min(Math.max(attempt, 0), BACKOFF_TABLE_MS.length - 1);
  const base = BACKOFF_TABLE_MS[index] ?? 7_200e3;
  return base + Math.floor(random() * base * 0.2);
}

/**
 * `Retry-After` as the SDK sends it: whole seconds, or an ISO date (SDK spec 4.1.1 accepts RFC 3339
 * instead of an HTTP-date; we accept both). Returns the delay in ms from `nowMs`.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}
