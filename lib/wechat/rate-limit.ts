/**
 * A small in-memory limiter for the public code endpoints (`/wechat/code`, `POST /api/wechat/code`):
 * a token bucket per key (`openid:<id>`, `ip:<addr>`), refilled continuously.
 *
 * Per instance, on purpose: it stops a reader hammering refresh or a script walking OpenIDs from one
 * address, at no database cost on the hot path. With N instances the effective limit is N× the figure,
 * which is acceptable for abuse protection (codes are random and not enumerable either way); a shared
 * limit would move to PostgreSQL like the provider governor. Memory is bounded: idle buckets are pruned.
 */

export type TRateLimit = { capacity: number; refillPerSecond: number };

export const CODE_PAGE_LIMITS = {
  perOpenid: { capacity: 10, refillPerSecond: 10 / 60 },
  perIp: { capacity: 60, refillPerSecond: 1 },
} satisfies Record<string, TRateLimit>;

/** The API is called server-to-server: one app's requests share its IP, so that bucket is wider. */
export const CODE_API_LIMITS = {
  perOpenid: { capacity: 10, refillPerSecond: 10 / 60 },
  perIp: { capacity: 300, refillPerSecond: 50 },
} satisfies Record<string, TRateLimit>;

type TBucket = { tokens: number; updatedAt: number };

const MAX_KEYS = 50_000;

export class RateLimiter {
  private readonly buckets = new Map<string, TBucket>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one token; returns 0 when allowed, else the milliseconds until one is available. */
  take(key: string, limit: TRateLimit): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: limit.capacity, updatedAt: now };
    bucket.tokens = Math.min(
      limit.capacity,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.refillPerSecond,
    );
    bucket.updatedAt = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      return Math.ceil(((1 - bucket.tokens) / limit.refillPerSecond) * 1000);
    }
    bucket.tokens -= 1;
    this.buckets.delete(key); // re-insert: Map order becomes least-recently-used first
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_KEYS) this.prune();
    return 0;
  }

  private prune(): void {
    const excess = this.buckets.size - MAX_KEYS * 0.9;
    let removed = 0;
    for (const key of this.buckets.keys()) {
      if (removed++ >= excess) break;
      this.buckets.delete(key);
    }
  }
}

/** The process-wide limiter for the code endpoints. */
export const codeRateLimiter = new RateLimiter();

/** The caller's address: the first X-Forwarded-For hop (set by the platform's proxy), else X-Real-IP. */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers.get("x-real-ip")?.trim() || "unknown";
}
