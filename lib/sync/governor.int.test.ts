import { describe, expect, it } from "vitest";
import { withFreshDatabase } from "@/test/db";
import { setStripePolicy as setPolicy } from "@/test/rate-limit-policy";
import { db } from "@/lib/db";
import { parseEnv, ZDatabasePoolEnv } from "@/lib/env";
import { inLane } from "@/lib/lane";
import { ProviderRateLimitedError } from "@/lib/connectors/errors";
import { acquire, acquireShared, governorUsage, penalize } from "@/lib/sync/governor";

withFreshDatabase();

describe("rate-limit governor (GCRA in PostgreSQL)", () => {
  it("lets a burst through at once, then spaces calls at the rate, across concurrent callers", async () => {
    // A slow rate, so the milliseconds the 20 queries take are small against the 500 ms spacing.
    await setPolicy("t1", 2, 5);
    const waits = await Promise.all(
      Array.from({ length: 20 }, () => acquire("STRIPE", "t1", { dryWait: true })),
    );
    const sorted = [...waits].sort((a, b) => a - b);
    // Exactly `burst` calls may start immediately; call k (0-based) waits about (k + 1 - burst) / rate.
    expect(sorted.filter((w) => w === 0)).toHaveLength(5);
    for (let k = 5; k < 20; k++) {
      const expected = ((k + 1 - 5) / 2) * 1000;
      expect(sorted[k]).toBeGreaterThan(expected - 250);
      expect(sorted[k]).toBeLessThan(expected + 1);
    }
  });

  it("refuses instead of queueing beyond maxWaitMs, and reserves nothing when it refuses", async () => {
    await setPolicy("t2", 10, 1);
    await acquire("STRIPE", "t2", { dryWait: true }); // immediate
    await acquire("STRIPE", "t2", { dryWait: true }); // ~100 ms
    const err = await acquire("STRIPE", "t2", { dryWait: true, maxWaitMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderRateLimitedError);
    // The refused call took no slot: the next caller with a generous wait is third in line (~200 ms).
    const next = await acquire("STRIPE", "t2", { dryWait: true });
    expect(next).toBeGreaterThan(140);
    expect(next).toBeLessThan(260);
  });

  it("applies an edited limit to the very next call", async () => {
    await setPolicy("t3", 1, 1);
    await acquire("STRIPE", "t3", { dryWait: true });
    const slow = await acquire("STRIPE", "t3", { dryWait: true });
    expect(slow).toBeGreaterThan(900); // 1/s: second call waits ~1 s
    await setPolicy("t3", 1000, 1000);
    await db().rateLimitState.update({
      where: { provider_bucket: { provider: "STRIPE", bucket: "t3" } },
      data: { tat: new Date() },
    });
    const fast = await acquire("STRIPE", "t3", { dryWait: true });
    expect(fast).toBe(0);
  });

  it("after a 429 nobody starts before the provider's Retry-After, and counts it", async () => {
    await setPolicy("t4", 100, 100);
    await acquire("STRIPE", "t4", { dryWait: true });
    await penalize("STRIPE", "t4", 2000);
    const wait = await acquire("STRIPE", "t4", { dryWait: true });
    expect(wait).toBeGreaterThan(1900);
    expect(wait).toBeLessThan(2100);
    const usage = (await governorUsage()).find((u) => u.bucket === "t4");
    expect(usage).toMatchObject({ grantedTotal: 2, throttledTotal: 1 });
  });

  it("uses the built-in default when no policy row exists", async () => {
    // HUBSPOT search: 4/s, burst 1 by default (at most 5 in any second, HubSpot's search limit).
    const waits = await Promise.all(
      Array.from({ length: 6 }, () => acquire("HUBSPOT", "search", { dryWait: true })),
    );
    expect(waits.filter((w) => w < 5)).toHaveLength(1); // the first goes at once (sub-millisecond rounding)
    expect(Math.max(...waits)).toBeGreaterThan(1_200);
  });

  it("shares one reservation among concurrent callers, spaced at the rate, and refuses them together", async () => {
    await setPolicy("t5", 20, 1);
    const started: number[] = [];
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: 8 }, () =>
        acquireShared("STRIPE", "t5").then(() => started.push(Date.now() - t0)),
      ),
    );
    // Burst 1: the first at once, then one every 50 ms (the 8th ~350 ms in), in order.
    expect(started).toHaveLength(8);
    expect(Math.min(...started)).toBeLessThan(150);
    expect(Math.max(...started)).toBeGreaterThan(300);
    for (let k = 1; k < 8; k++) expect(started[k]! - started[k - 1]!).toBeGreaterThanOrEqual(30);
    const usage = (await governorUsage()).find((u) => u.bucket === "t5");
    expect(usage?.grantedTotal).toBe(8);
    // A group that does not fit within maxWait takes nothing.
    const refused = await Promise.allSettled(
      Array.from({ length: 30 }, () => acquireShared("STRIPE", "t5", { maxWaitMs: 500 })),
    );
    expect(
      refused.every((r) => r.status === "rejected" && r.reason instanceof ProviderRateLimitedError),
    ).toBe(true);
    expect((await governorUsage()).find((u) => u.bucket === "t5")?.grantedTotal).toBe(8);
  });

  it("reserves on connections of its own: a busy shared pool does not delay a grant", async () => {
    await setPolicy("t6", 50, 5);
    // Every shared connection busy, as a burst's intake keeps them (`.then` sends the lazy query now).
    const size = parseEnv(ZDatabasePoolEnv).DATABASE_POOL_SIZE;
    const busy = Array.from({ length: size + 5 }, () =>
      db().$queryRaw`SELECT pg_sleep(2)::text AS slept`.then(() => undefined),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    // Both lanes' callers and a 429's pause go through the governor's own pool.
    await acquire("STRIPE", "t6");
    await inLane("bulk", () => acquire("STRIPE", "t6"));
    await penalize("STRIPE", "t6", 10);
    expect(Date.now() - started).toBeLessThan(1_000);
    await Promise.all(busy);
  });
});
