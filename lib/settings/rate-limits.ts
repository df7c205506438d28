import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import type { Provider } from "@/lib/generated/prisma/enums";

/**
 * Defaults that keep RevBridge under each provider's published limits with room to spare. The governor
 * is a token bucket: in any window of T seconds it lets through at most burst + rate × T requests, and
 * providers count in rolling windows, so burst + rate × window must stay under the provider's limit.
 * HubSpot private apps: 190 requests / 10 s (15 + 15 × 10 = 165) and 5/s on search (1 + 4 = 5).
 * Stripe live mode: 100 operations/s, counted like a rolling second (the sandbox does exactly that):
 * 95/s with burst 1 lets at most 96 start in any second, and the in-process send window
 * (lib/sync/send-window.ts) keeps that true for when they actually leave, so the 4 left over absorb the
 * network's and Stripe's own jitter. 95 is what the 10,000-contact seed burst needs to finish within
 * 1.1 × its 100 s floor (10,000 / 90 alone is 111 s); at 100 + 100 one call in thirty came back 429,
 * at 90 + 5 without the send window 19–234 did (event-loop stalls bunching reserved starts).
 * WeChat and OpenApply publish no per-second limit, so we stay gentle.
 */
export const DEFAULT_RATE_LIMITS: {
  provider: Provider;
  bucket: string;
  ratePerSecond: number;
  burst: number;
}[] = [
  { provider: "HUBSPOT", bucket: "default", ratePerSecond: 15, burst: 15 },
  { provider: "HUBSPOT", bucket: "search", ratePerSecond: 4, burst: 1 },
  { provider: "STRIPE", bucket: "default", ratePerSecond: 95, burst: 1 },
  { provider: "WECHAT", bucket: "default", ratePerSecond: 50, burst: 50 },
  { provider: "OPENAPPLY", bucket: "default", ratePerSecond: 5, burst: 5 },
];

export interface TRateLimitRow {
  provider: Provider;
  bucket: string;
  ratePerSecond: number;
  burst: number;
  /** Null while the built-in default applies (nobody has saved this bucket yet). */
  updatedAt: Date | null;
}

/** Saved policies, plus the built-in default for any bucket not saved yet — what the governor will use. */
export async function listRateLimits(): Promise<TRateLimitRow[]> {
  const saved = await db().rateLimitPolicy.findMany();
  const key = (r: { provider: string; bucket: string }) => `${r.provider}:${r.bucket}`;
  const byKey = new Map<string, TRateLimitRow>(
    DEFAULT_RATE_LIMITS.map((d) => [key(d), { ...d, updatedAt: null }]),
  );
  for (const r of saved) byKey.set(key(r), r);
  return [...byKey.values()].sort((a, b) => key(a).localeCompare(key(b)));
}

/** What an ADMIN may save for one bucket. The ceiling guards against a typo that would hammer a provider. */
export const ZRateLimitUpdate = z.object({
  provider: z.enum(["HUBSPOT", "STRIPE", "WECHAT", "OPENAPPLY"]),
  bucket: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[a-z0-9_-]+$/, "lower-case letters, digits, - and _ only"),
  ratePerSecond: z
    .number()
    .positive("must be greater than 0")
    .max(1000, "must be at most 1000 requests per second"),
  burst: z.number().int("must be a whole number").min(1, "must be at least 1").max(10_000),
});
export type TRateLimitUpdate = z.infer<typeof ZRateLimitUpdate>;

/**
 * Saves one bucket's limits and audits old → new in the same transaction. The governor re-reads
 * RateLimitPolicy on every acquire, so the change applies to the next call without a redeploy.
 */
export async function updateRateLimit(input: TRateLimitUpdate, actorId: string): Promise<TRateLimitRow> {
  const { provider, bucket, ratePerSecond, burst } = input;
  const fallback = DEFAULT_RATE_LIMITS.find((d) => d.provider === provider && d.bucket === bucket);
  return db().$transaction(async (tx) => {
    const before = await tx.rateLimitPolicy.findUnique({ where: { provider_bucket: { provider, bucket } } });
    const old = before ?? fallback ?? null;
    const saved = await tx.rateLimitPolicy.upsert({
      where: { provider_bucket: { provider, bucket } },
      create: { provider, bucket, ratePerSecond, burst, updatedById: actorId },
      update: { ratePerSecond, burst, updatedById: actorId },
    });
    await recordAudit(
      {
        actorId,
        action: "rate_limit.update",
        target: `RateLimitPolicy:${provider}:${bucket}`,
        details: {
          from: old ? { ratePerSecond: old.ratePerSecond, burst: old.burst } : null,
          to: { ratePerSecond, burst },
        },
      },
      tx,
    );
    return {
      provider: saved.provider,
      bucket: saved.bucket,
      ratePerSecond: saved.ratePerSecond,
      burst: saved.burst,
      updatedAt: saved.updatedAt,
    };
  });
}
