import { describe, expect, it } from "vitest";
import { withFreshDatabase } from "@/test/db";
import { db } from "@/lib/db";
import { inLane } from "@/lib/lane";
import { ProviderRateLimitedError } from "@/lib/connectors/errors";
import { acquire, acquireShared } from "@/lib/sync/governor";
import { BULK_HORIZON_MS } from "@/lib/sync/bulk-queue";

withFreshDatabase();

async function setPolicy(bucket: string, ratePerSecond: number, burst: number) {
  await db().rateLimitPolicy.upsert({
    where: { provider_bucket: { provider: "STRIPE", bucket } },
    create: { provider: "STRIPE", bucket, ratePerSecond, burst },
    update: { ratePerSecond, burst },
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("governor lanes: bulk work reserves a short horizon, others go ahead of its backlog", () => {
  it("a call outside the bulk lane waits about the horizon, not the bulk backlog; bulk keeps the rate", async () => {
    await setPolicy("lane1", 20, 1);
    const started = Date.now();
    // 60 bulk calls at 20/s: 3 s of work queued at once (as a step's parallel Stripe writes are).
    const bulk = Array.from({ length: 60 }, () => inLane("bulk", () => acquireShared("STRIPE", "lane1")));
    await sleep(300);
    // Without lanes this caller would be reserved behind all 60: ~2.7 s from now.
    const wait = await acquire("STRIPE", "lane1", { dryWait: true });
    expect(wait).toBeLessThan(BULK_HORIZON_MS + 200);
    await Promise.all(bulk);
    const elapsed = Date.now() - started;
    // Every bulk call went, at the bucket's rate (61 tokens at 20/s ≈ 3 s), none refused.
    expect(elapsed).toBeGreaterThan(2_700);
    expect(elapsed).toBeLessThan(4_500);
    const state = await db().rateLimitState.findUniqueOrThrow({
      where: { provider_bucket: { provider: "STRIPE", bucket: "lane1" } },
    });
    expect(Number(state.grantedTotal)).toBe(61);
  });

  it("the bucket never lets bulk reserve further ahead than the horizon", async () => {
    await setPolicy("lane2", 50, 1);
    const bulk = Array.from({ length: 150 }, () => inLane("bulk", () => acquire("STRIPE", "lane2")));
    let deepest = 0;
    for (let i = 0; i < 10; i++) {
      await sleep(150);
      const rows = await db().$queryRaw<{ ahead: number }[]>`
        SELECT EXTRACT(EPOCH FROM (tat - clock_timestamp())) * 1000 AS ahead
          FROM "RateLimitState" WHERE provider = 'STRIPE' AND bucket = 'lane2'`;
      deepest = Math.max(deepest, Number(rows[0]?.ahead ?? 0));
    }
    // 150 calls at 50/s would put tat 3 s ahead at once; bulk keeps it within the horizon.
    expect(deepest).toBeGreaterThan(0);
    expect(deepest).toBeLessThan(BULK_HORIZON_MS + 100);
    await Promise.all(bulk);
  });

  it("a bulk caller that waits longer than it accepts is refused, and takes nothing", async () => {
    await setPolicy("lane3", 5, 1);
    // 20 calls at 5/s: the last is reserved ~3 s from now, when the bucket is within the horizon.
    const first = inLane("bulk", () =>
      Promise.all(Array.from({ length: 20 }, () => acquire("STRIPE", "lane3"))),
    );
    const refused = await inLane("bulk", () => acquire("STRIPE", "lane3", { maxWaitMs: 1_500 })).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(ProviderRateLimitedError);
    await first;
    const state = await db().rateLimitState.findUniqueOrThrow({
      where: { provider_bucket: { provider: "STRIPE", bucket: "lane3" } },
    });
    expect(Number(state.grantedTotal)).toBe(20);
  });
});
