import "server-only";
import { db } from "@/lib/db";
import type { Provider } from "@/lib/generated/prisma/enums";

/**
 * Defaults that keep RevBridge under each provider's published limits with room to spare:
 * HubSpot private apps get 190 requests / 10 s (we use 15/s) and 4/s on search; Stripe live mode
 * allows 100 operations/s; WeChat and OpenApply publish no per-second limit, so we stay gentle.
 */
export const DEFAULT_RATE_LIMITS: {
  provider: Provider;
  bucket: string;
  ratePerSecond: number;
  burst: number;
}[] = [
  { provider: "HUBSPOT", bucket: "default", ratePerSecond: 15, burst: 15 },
  { provider: "HUBSPOT", bucket: "search", ratePerSecond: 4, burst: 4 },
  { provider: "STRIPE", bucket: "default", ratePerSecond: 100, burst: 100 },
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
