import { db } from "@/lib/db";

/** Sets a live RateLimitPolicy row for a STRIPE bucket (governor tests use their own bucket names). */
export async function setStripePolicy(bucket: string, ratePerSecond: number, burst: number): Promise<void> {
  await db().rateLimitPolicy.upsert({
    where: { provider_bucket: { provider: "STRIPE", bucket } },
    create: { provider: "STRIPE", bucket, ratePerSecond, burst },
    update: { ratePerSecond, burst },
  });
}
