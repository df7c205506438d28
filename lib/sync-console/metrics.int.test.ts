import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { withFreshDatabase } from "@/test/db";
import { acquire, penalize } from "@/lib/sync/governor";
import { loadSyncMetrics } from "./metrics";

withFreshDatabase();

/** PostgreSQL's percentile_cont: linear interpolation between the two nearest ranks. */
function percentileCont(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

const NOW = new Date("2026-11-22T12:00:30Z");
const at = (minutesAgo: number, second = 10) =>
  new Date(Date.UTC(2026, 10, 22, 12, 0, second) - minutesAgo * 60_000);

describe("Sync page figures", () => {
  it("aggregate webhooks, outcomes, lag, backlog and dead letters per minute as computed by hand", async () => {
    // Webhooks: HubSpot 3 in minute -1 (11:59), Stripe 2 in minute 0 (12:00), one outside the 10-minute window.
    let k = 0;
    const hook = (
      provider: "HUBSPOT" | "STRIPE",
      when: Date,
      status: "RECEIVED" | "HANDED_OFF" | "PROCESSED",
    ) => ({
      provider,
      dedupeKey: `k${k++}`,
      type: "t",
      payload: {},
      receivedAt: when,
      status,
    });
    await db().webhookEvent.createMany({
      data: [
        hook("HUBSPOT", at(1, 1), "PROCESSED"),
        hook("HUBSPOT", at(1, 20), "PROCESSED"),
        hook("HUBSPOT", at(1, 59), "HANDED_OFF"),
        hook("STRIPE", at(0, 5), "RECEIVED"),
        hook("STRIPE", at(0, 25), "PROCESSED"),
        hook("STRIPE", at(30), "RECEIVED"), // outside the window, but still backlog (and the oldest)
      ],
    });
    // SyncLog: minute -2 has 4 applied with lags, 1 skipped_echo, 2 failed, 1 dead_lettered.
    const lagsMinus2 = [100, 400, 900, 2500];
    const lagsMinus0 = [50, 70];
    const log = (outcome: string, when: Date, extra: Record<string, unknown> = {}) => ({
      direction: "hubspot_to_stripe",
      outcome,
      createdAt: when,
      ...extra,
    });
    await db().syncLog.createMany({
      data: [
        ...lagsMinus2.map((lagMs, i) =>
          log("applied", at(2, i + 1), { lagMs, statusCode: 200, targetSystem: "STRIPE" }),
        ),
        log("skipped_echo", at(2, 30)),
        log("applied", at(3, 1), {
          message: "near-miss echo: contact changed after RevBridge's recent write",
        }),
        log("failed", at(2, 31), { statusCode: 503, targetSystem: "STRIPE" }),
        log("failed", at(2, 32), { statusCode: 429, targetSystem: "HUBSPOT" }),
        log("dead_lettered", at(2, 33)),
        ...lagsMinus0.map((lagMs, i) =>
          log("applied", at(0, i + 1), {
            lagMs,
            direction: "stripe_to_hubspot",
            statusCode: 200,
            targetSystem: "HUBSPOT",
          }),
        ),
        log("applied", at(20), { lagMs: 99_999 }), // outside the window
      ],
    });
    await db().deadLetter.createMany({
      data: [
        { functionId: "f", eventName: "e", payload: {}, error: "x", attempts: 4, createdAt: at(3) },
        { functionId: "f", eventName: "e", payload: {}, error: "x", attempts: 4, createdAt: at(50) },
        {
          functionId: "f",
          eventName: "e",
          payload: {},
          error: "x",
          attempts: 4,
          status: "replayed",
          createdAt: at(4),
        },
      ],
    });

    const m = await loadSyncMetrics({ now: NOW, windowMinutes: 10 });

    expect(m.minutes).toHaveLength(10);
    expect(m.minutes[0]!.minute).toBe("2026-11-22T11:51:00.000Z");
    expect(m.minutes[9]!.minute).toBe("2026-11-22T12:00:00.000Z");
    const minute = (ago: number) => m.minutes[9 - ago]!;
    expect(minute(1)).toMatchObject({ hubspotWebhooks: 3, stripeWebhooks: 0 });
    expect(minute(0)).toMatchObject({ hubspotWebhooks: 0, stripeWebhooks: 2 });
    expect(m.totals.webhooks).toBe(5);

    expect(minute(2)).toMatchObject({
      succeeded: 5,
      retries: 2,
      deadLettered: 1,
      failed: 3,
      // Decisions are not API calls: those come from the governor (next test).
      stripeCalls: 0,
      hubspotCalls: 0,
    });
    expect(minute(2).lagP50Ms).toBeCloseTo(percentileCont(lagsMinus2, 0.5));
    expect(minute(2).lagP95Ms).toBeCloseTo(percentileCont(lagsMinus2, 0.95));
    expect(minute(0).lagP50Ms).toBeCloseTo(60);
    expect(minute(5).lagP50Ms).toBeNull();

    const all = [...lagsMinus2, ...lagsMinus0];
    expect(m.totals.lagP50Ms).toBeCloseTo(percentileCont(all, 0.5));
    expect(m.totals.lagP95Ms).toBeCloseTo(percentileCont(all, 0.95));
    expect(m.totals.succeeded).toBe(8);
    expect(m.totals.echoesSuppressed).toBe(1);
    expect(m.totals.nearMisses).toBe(1);
    expect(m.totals.retries).toBe(2);
    expect(m.totals.successRate).toBeCloseTo(8 / 9);
    expect(m.lagByDirection).toEqual([
      {
        direction: "hubspot_to_stripe",
        count: 4,
        p50Ms: percentileCont(lagsMinus2, 0.5),
        p95Ms: percentileCont(lagsMinus2, 0.95),
      },
      { direction: "stripe_to_hubspot", count: 2, p50Ms: 60, p95Ms: percentileCont(lagsMinus0, 0.95) },
    ]);

    // Backlog: RECEIVED + HANDED_OFF whatever their age; the oldest is the one from 30 minutes ago.
    expect(m.inbox.backlog).toBe(3);
    expect(m.inbox.oldestWaitingAt).toBe(at(30).toISOString());
    expect(m.inbox.oldestAgeSeconds).toBeCloseTo((NOW.getTime() - at(30).getTime()) / 1000);

    expect(m.deadLetters).toEqual({ open: 2, createdInWindow: 2 });
  });

  it("shows each bucket's ceiling from the saved policy and the governor's counters", async () => {
    await db().rateLimitPolicy.create({
      data: { provider: "HUBSPOT", bucket: "default", ratePerSecond: 7, burst: 3 },
    });
    await db().rateLimitState.create({
      data: { provider: "HUBSPOT", bucket: "default", tat: NOW, grantedTotal: 42n, throttledTotal: 1n },
    });
    const m = await loadSyncMetrics({ now: NOW, windowMinutes: 10 });
    expect(m.governor.find((g) => g.provider === "HUBSPOT" && g.bucket === "default")).toMatchObject({
      ratePerSecond: 7,
      burst: 3,
      grantedTotal: 42,
      throttledTotal: 1,
    });
    // Defaults apply where nothing is saved; WeChat/OpenApply buckets appear only once used.
    expect(m.governor.find((g) => g.provider === "STRIPE")).toMatchObject({
      ratePerSecond: 95,
      grantedTotal: 0,
    });
    expect(m.governor.some((g) => g.provider === "WECHAT")).toBe(false);
  });

  it("charts the API calls the governor granted per provider and minute, with the limit in force", async () => {
    await db().rateLimitPolicy.upsert({
      where: { provider_bucket: { provider: "STRIPE", bucket: "default" } },
      create: { provider: "STRIPE", bucket: "default", ratePerSecond: 1000, burst: 1000 },
      update: { ratePerSecond: 1000, burst: 1000 },
    });
    await db().rateLimitPolicy.upsert({
      where: { provider_bucket: { provider: "HUBSPOT", bucket: "default" } },
      create: { provider: "HUBSPOT", bucket: "default", ratePerSecond: 12, burst: 12 },
      update: { ratePerSecond: 12, burst: 12 },
    });
    for (let i = 0; i < 7; i++) await acquire("STRIPE", "default", { dryWait: true });
    await acquire("HUBSPOT", "search", { dryWait: true });
    await acquire("HUBSPOT", "default", { dryWait: true });
    await penalize("HUBSPOT", "default", 10);
    // An ADMIN lowers Stripe's limit: the next call is counted under the new ceiling.
    await db().rateLimitPolicy.update({
      where: { provider_bucket: { provider: "STRIPE", bucket: "default" } },
      data: { ratePerSecond: 40, burst: 40 },
    });
    await acquire("STRIPE", "default", { dryWait: true });
    // A refused reservation is not a call.
    await acquire("STRIPE", "default", { dryWait: true, tokens: 10_000, maxWaitMs: 0 }).catch(() => 0);

    const m = await loadSyncMetrics({ now: new Date(), windowMinutes: 5 });
    const sum = (f: (p: (typeof m.minutes)[number]) => number) => m.minutes.reduce((n, p) => n + f(p), 0);
    expect(sum((p) => p.stripeCalls)).toBe(8);
    // Every HubSpot bucket counts towards HubSpot's calls.
    expect(sum((p) => p.hubspotCalls)).toBe(2);
    expect(sum((p) => p.hubspotThrottled)).toBe(1);
    expect(sum((p) => p.stripeThrottled)).toBe(0);
    const lastStripe = m.minutes.filter((p) => p.stripeCalls > 0).at(-1)!;
    expect(lastStripe.stripeLimitPerSecond).toBe(40);
    expect(m.minutes.filter((p) => p.hubspotCalls > 0).at(-1)!.hubspotLimitPerSecond).toBe(12);
    expect(m.minutes.filter((p) => p.stripeCalls === 0).every((p) => p.stripeLimitPerSecond === null)).toBe(
      true,
    );
  });
});
