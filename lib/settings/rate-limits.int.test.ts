import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { acquire } from "@/lib/sync/governor";
import { withFreshDatabase } from "@/test/db";
import { listRateLimits, updateRateLimit, ZRateLimitUpdate } from "./rate-limits";

withFreshDatabase();

describe("editing a rate limit", () => {
  it("validates: rate > 0 and ≤ 1000, burst a whole number ≥ 1, known provider, simple bucket name", () => {
    const ok = { provider: "HUBSPOT", bucket: "default", ratePerSecond: 7.5, burst: 3 };
    expect(ZRateLimitUpdate.safeParse(ok).success).toBe(true);
    for (const bad of [
      { ...ok, ratePerSecond: 0 },
      { ...ok, ratePerSecond: -1 },
      { ...ok, ratePerSecond: 1000.5 },
      { ...ok, burst: 0 },
      { ...ok, burst: 2.5 },
      { ...ok, provider: "SALESFORCE" },
      { ...ok, bucket: "DROP TABLE" },
      { ...ok, ratePerSecond: "10" },
    ]) {
      expect(ZRateLimitUpdate.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(ZRateLimitUpdate.safeParse({ ...ok, ratePerSecond: 1000 }).success).toBe(true);
  });

  it("saves the policy and audits old → new in the same transaction", async () => {
    const admin = await db().user.create({ data: { email: "admin@x.test", role: "ADMIN" } });
    await updateRateLimit({ provider: "HUBSPOT", bucket: "search", ratePerSecond: 2, burst: 2 }, admin.id);
    await updateRateLimit({ provider: "HUBSPOT", bucket: "search", ratePerSecond: 3, burst: 1 }, admin.id);
    const rows = await listRateLimits();
    expect(rows.find((r) => r.provider === "HUBSPOT" && r.bucket === "search")).toMatchObject({
      ratePerSecond: 3,
      burst: 1,
    });
    const audit = await db().auditLog.findMany({
      where: { action: "rate_limit.update" },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => [a.actorId, a.target, a.details])).toEqual([
      [
        admin.id,
        "RateLimitPolicy:HUBSPOT:search",
        { from: { ratePerSecond: 4, burst: 1 }, to: { ratePerSecond: 2, burst: 2 } },
      ],
      [
        admin.id,
        "RateLimitPolicy:HUBSPOT:search",
        { from: { ratePerSecond: 2, burst: 2 }, to: { ratePerSecond: 3, burst: 1 } },
      ],
    ]);
    const saved = await db().rateLimitPolicy.findUniqueOrThrow({
      where: { provider_bucket: { provider: "HUBSPOT", bucket: "search" } },
    });
    expect(saved.updatedById).toBe(admin.id);
  });

  it("acquire() applies a lowered limit on its very next call (well within a second)", async () => {
    const admin = await db().user.create({ data: { email: "admin2@x.test", role: "ADMIN" } });
    const bucket = "edit-test";
    // Unknown bucket → HubSpot's default (15/s, burst 15): three calls go at once.
    for (let i = 0; i < 3; i++) expect(await acquire("HUBSPOT", bucket, { dryWait: true })).toBe(0);

    const savedAt = Date.now();
    await updateRateLimit({ provider: "HUBSPOT", bucket, ratePerSecond: 1, burst: 1 }, admin.id);
    // At 1/s with burst 1 each further call must wait about a second more than the previous one.
    const first = await acquire("HUBSPOT", bucket, { dryWait: true });
    const second = await acquire("HUBSPOT", bucket, { dryWait: true });
    const effectiveAfterMs = Date.now() - savedAt;
    expect(second - first).toBeGreaterThan(900);
    expect(second - first).toBeLessThan(1100);
    expect(effectiveAfterMs).toBeLessThan(1000);

    // Raising it again applies just as fast: 1000/s spaces calls 1 ms apart.
    await updateRateLimit({ provider: "HUBSPOT", bucket, ratePerSecond: 1000, burst: 1 }, admin.id);
    const a = await acquire("HUBSPOT", bucket, { dryWait: true });
    const b = await acquire("HUBSPOT", bucket, { dryWait: true });
    expect(b - a).toBeLessThan(50);
  });
});
