import "server-only";
import { db, governorPool } from "@/lib/db";
import type { Provider } from "@/lib/generated/prisma/enums";
import { ProviderRateLimitedError } from "@/lib/connectors/errors";
import { DEFAULT_RATE_LIMITS } from "@/lib/settings/rate-limits";
import { sendWindow } from "@/lib/sync/send-window";
import { currentLane } from "@/lib/lane";
import { BulkQueue, startWaits, type TReservation } from "@/lib/sync/bulk-queue";

/**
 * The rate-limit governor: one token bucket per provider account and bucket, kept in PostgreSQL so
 * every function instance (and every serverless container) shares it. HubSpot's limits are per
 * account, so a per-process limiter would let N instances send N times the limit.
 *
 * Algorithm: GCRA with reservations. The row keeps `tat`, the theoretical arrival time of the next
 * request. Taking n tokens moves `tat` to max(tat, now) + n/rate; the caller may start at
 * tat − burst/rate. That is a token bucket of size `burst` refilled at `rate`, in one UPDATE per
 * call, with fair first-come ordering and no polling. Limits are read from RateLimitPolicy in the
 * same statement, so an ADMIN's edit applies to the very next call. The same statement counts the
 * granted call in RateLimitMinute (calls per minute with the rate in force), which the Sync page
 * charts against the limit.
 *
 * A caller never reserves further ahead than `maxWaitMs`: when the queue is longer, nothing is
 * reserved and ProviderRateLimitedError tells it when to come back (Inngest functions turn that into
 * RetryAfterError and sleep without holding a worker).
 *
 * Callers in the bulk lane (lib/lane.ts) queue in-process instead and reserve only a short horizon
 * ahead (lib/sync/bulk-queue.ts), so everyone else finds the bucket at most that deep.
 */

export interface TAcquireOptions {
  /** Tokens to take (1 per request). */
  tokens?: number;
  /** Longest in-process wait accepted; beyond it the call is refused with a retry-after. */
  maxWaitMs?: number;
  /** For tests: no sleeping, just return the wait. */
  dryWait?: boolean;
}

interface TLimit {
  ratePerSecond: number;
  burst: number;
}

function defaultLimit(provider: Provider, bucket: string): TLimit {
  const found =
    DEFAULT_RATE_LIMITS.find((d) => d.provider === provider && d.bucket === bucket) ??
    DEFAULT_RATE_LIMITS.find((d) => d.provider === provider && d.bucket === "default");
  return found ?? { ratePerSecond: 5, burst: 5 };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the bucket allows `tokens` more requests, then returns the milliseconds waited.
 * Throws ProviderRateLimitedError when the wait would exceed `maxWaitMs` (default 10 s).
 */
export async function acquire(
  provider: Provider,
  bucket = "default",
  options: TAcquireOptions = {},
): Promise<number> {
  const tokens = options.tokens ?? 1;
  if (!options.dryWait && currentLane() === "bulk")
    return bulkQueue(provider, bucket).take(tokens, options.maxWaitMs ?? 10_000);
  const r = await reserve(provider, bucket, tokens, options.maxWaitMs ?? 10_000);
  if (options.dryWait) return r.waitMs;
  await leave(provider, bucket, r.waitMs, r.limitPerSecond, tokens);
  return r.waitMs;
}

/** Sleeps until the reserved start, then takes the in-process send window (lib/sync/send-window.ts). */
async function leave(
  provider: Provider,
  bucket: string,
  waitMs: number,
  limitPerSecond: number,
  tokens: number,
): Promise<void> {
  if (waitMs > 0) await sleep(waitMs);
  // The bucket lets at most burst + rate requests start in any second; keep it so for when they leave.
  const window = sendWindow(`${provider}:${bucket}`);
  for (let i = 0; i < tokens; i++) await window.take(limitPerSecond);
}

type TGroup = { resolve: (waitMs: number) => void; reject: (error: unknown) => void }[];
const groups = new Map<string, TGroup>();

/**
 * acquire() of one token, for callers that run many requests at once (a step's ten Stripe writes):
 * the callers of one process that ask within the same turn of the event loop share one reservation
 * of as many tokens — one statement instead of one each, the k-th starting k/rate after the first.
 * The order among them is arrival order; against other processes it is one reservation like any.
 * When the whole group does not fit within `maxWaitMs`, every member is refused.
 */
export function acquireShared(
  provider: Provider,
  bucket = "default",
  options: { maxWaitMs?: number } = {},
): Promise<number> {
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  if (currentLane() === "bulk") return bulkQueue(provider, bucket).take(1, maxWaitMs);
  const key = `${provider}\n${bucket}\n${maxWaitMs}`;
  return new Promise((resolve, reject) => {
    let group = groups.get(key);
    if (!group) {
      const members: TGroup = [];
      groups.set(key, (group = members));
      setImmediate(() => {
        groups.delete(key);
        void grantGroup(provider, bucket, maxWaitMs, members);
      });
    }
    group.push({ resolve, reject });
  });
}

async function grantGroup(provider: Provider, bucket: string, maxWaitMs: number, members: TGroup) {
  let r: TReservation;
  try {
    r = await reserve(provider, bucket, members.length, maxWaitMs);
  } catch (error) {
    for (const m of members) m.reject(error);
    return;
  }
  startWaits(
    r,
    members.map(() => 1),
  ).forEach((waitMs, k) => {
    const m = members[k]!;
    leave(provider, bucket, waitMs, r.limitPerSecond, 1).then(() => m.resolve(waitMs), m.reject);
  });
}

const bulkQueues = new Map<string, BulkQueue>();

/** This process's bulk line for one bucket. */
function bulkQueue(provider: Provider, bucket: string): BulkQueue {
  const key = `${provider}\n${bucket}`;
  let q = bulkQueues.get(key);
  if (!q) {
    q = new BulkQueue(
      (tokens, maxWaitMs) => reserve(provider, bucket, tokens, maxWaitMs),
      (waitMs, r, tokens) => leave(provider, bucket, waitMs, r.limitPerSecond, tokens),
      provider,
      bucket,
    );
    bulkQueues.set(key, q);
  }
  return q;
}

/** Reserves `tokens` in one statement, or throws ProviderRateLimitedError beyond `maxWaitMs`. */
async function reserve(
  provider: Provider,
  bucket: string,
  tokens: number,
  maxWaitMs: number,
): Promise<TReservation> {
  const fallback = defaultLimit(provider, bucket);
  // One statement: make sure the row exists, read the live policy, reserve if within maxWait.
  // `clock_timestamp()` is the database's clock, so app servers with skewed clocks still agree.
  // $1 provider, $2 bucket, $3/$4 the default rate and burst, $5 tokens, $6 maxWaitMs.
  const { rows } = await governorPool().query<{
    granted: boolean;
    wait_ms: number;
    rate: number;
    burst: number;
  }>(
    `WITH policy AS (
      SELECT COALESCE(
               (SELECT "ratePerSecond" FROM "RateLimitPolicy" WHERE provider = $1::"Provider" AND bucket = $2),
               $3::float8) AS rate,
             COALESCE(
               (SELECT burst FROM "RateLimitPolicy" WHERE provider = $1::"Provider" AND bucket = $2),
               $4::int) AS burst
    ), ensure AS (
      INSERT INTO "RateLimitState" (provider, bucket, tat)
      VALUES ($1::"Provider", $2, clock_timestamp())
      ON CONFLICT (provider, bucket) DO NOTHING
    ), upd AS (
      UPDATE "RateLimitState" s
         SET tat = GREATEST(s.tat, clock_timestamp()) + make_interval(secs => $5::float8 / p.rate),
             "grantedTotal" = s."grantedTotal" + $5::int
        FROM policy p
       WHERE s.provider = $1::"Provider" AND s.bucket = $2
         AND GREATEST(s.tat, clock_timestamp()) + make_interval(secs => $5::float8 / p.rate)
             - make_interval(secs => p.burst::float8 / p.rate)
             <= clock_timestamp() + make_interval(secs => $6::float8 / 1000)
      RETURNING GREATEST(0, EXTRACT(EPOCH FROM (s.tat - make_interval(secs => p.burst::float8 / p.rate) - clock_timestamp())) * 1000)::float8 AS wait_ms, p.rate, p.burst
    ), counted AS (
      -- Calls per minute for the Sync page, with the rate in force (only when granted).
      INSERT INTO "RateLimitMinute" (provider, bucket, minute, calls, "ratePerSecond")
      SELECT $1::"Provider", $2, date_trunc('minute', clock_timestamp() AT TIME ZONE 'UTC'), $5::int, p.rate
        FROM upd, policy p
      ON CONFLICT (provider, bucket, minute) DO UPDATE
        SET calls = "RateLimitMinute".calls + EXCLUDED.calls, "ratePerSecond" = EXCLUDED."ratePerSecond"
    )
    SELECT true AS granted, wait_ms, rate, burst FROM upd
    UNION ALL
    SELECT false AS granted,
           GREATEST(0, EXTRACT(EPOCH FROM (
             GREATEST(s.tat, clock_timestamp()) + make_interval(secs => $5::float8 / p.rate)
             - make_interval(secs => p.burst::float8 / p.rate) - clock_timestamp())) * 1000 - $6::float8)::float8,
           p.rate, p.burst
      FROM "RateLimitState" s, policy p
     WHERE s.provider = $1::"Provider" AND s.bucket = $2 AND NOT EXISTS (SELECT 1 FROM upd)`,
    [provider, bucket, fallback.ratePerSecond, fallback.burst, tokens, maxWaitMs],
  );
  const row = rows[0];
  // First call for a bucket: the INSERT and the UPDATE see the same snapshot, so the row is not
  // visible to the UPDATE yet. Try again now that it exists.
  if (!row) return reserve(provider, bucket, tokens, maxWaitMs);
  if (!row.granted) {
    throw new ProviderRateLimitedError(
      provider,
      Math.max(50, row.wait_ms),
      `${provider} ${bucket} bucket is busy: governor queue longer than ${maxWaitMs} ms`,
    );
  }
  const rate = Number(row.rate);
  return { waitMs: Number(row.wait_ms), rate, limitPerSecond: Number(row.burst) + rate };
}

/**
 * After a provider answered 429: nobody (in any process) starts another request on this bucket
 * until `retryAfterMs` has passed. Counted for the Sync page (totals and the minute's row).
 */
export async function penalize(provider: Provider, bucket: string, retryAfterMs: number): Promise<void> {
  const fallback = defaultLimit(provider, bucket);
  // $1 provider, $2 bucket, $3 retryAfterMs, $4/$5 the default burst and rate.
  const pool = governorPool();
  await pool.query(
    `INSERT INTO "RateLimitState" (provider, bucket, tat, "throttledTotal", "pausedUntil")
     VALUES ($1::"Provider", $2, clock_timestamp(), 0, NULL)
     ON CONFLICT (provider, bucket) DO NOTHING`,
    [provider, bucket],
  );
  await pool.query(
    `UPDATE "RateLimitState" s
        SET "pausedUntil" = clock_timestamp() + make_interval(secs => $3::float8 / 1000),
            -- The next request may start at tat - burst/rate + 1/rate; place that at the pause's end.
            tat = GREATEST(s.tat, clock_timestamp() + make_interval(secs => $3::float8 / 1000)
                  + make_interval(secs => (COALESCE(p.burst, $4::int) - 1)::float8
                                          / COALESCE(p."ratePerSecond", $5::float8))),
            "throttledTotal" = s."throttledTotal" + 1
       FROM (SELECT 1) one
       LEFT JOIN "RateLimitPolicy" p ON p.provider = $1::"Provider" AND p.bucket = $2
      WHERE s.provider = $1::"Provider" AND s.bucket = $2`,
    [provider, bucket, retryAfterMs, fallback.burst, fallback.ratePerSecond],
  );
  await pool.query(
    `INSERT INTO "RateLimitMinute" (provider, bucket, minute, throttled, "ratePerSecond")
     SELECT $1::"Provider", $2, date_trunc('minute', clock_timestamp() AT TIME ZONE 'UTC'), 1,
            COALESCE(p."ratePerSecond", $3::float8)
       FROM (SELECT 1) one
       LEFT JOIN "RateLimitPolicy" p ON p.provider = $1::"Provider" AND p.bucket = $2
     ON CONFLICT (provider, bucket, minute) DO UPDATE SET throttled = "RateLimitMinute".throttled + 1`,
    [provider, bucket, fallback.ratePerSecond],
  );
}

export interface TGovernorUsage {
  provider: Provider;
  bucket: string;
  grantedTotal: number;
  throttledTotal: number;
  pausedUntil: Date | null;
}

/** Counters for the Sync page (monotonic totals; the page turns them into rates). */
export async function governorUsage(): Promise<TGovernorUsage[]> {
  const rows = await db().rateLimitState.findMany({ orderBy: [{ provider: "asc" }, { bucket: "asc" }] });
  return rows.map((r) => ({
    provider: r.provider,
    bucket: r.bucket,
    grantedTotal: Number(r.grantedTotal),
    throttledTotal: Number(r.throttledTotal),
    pausedUntil: r.pausedUntil,
  }));
}
