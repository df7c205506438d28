import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { pruneRateLimitHistory, RATE_LIMIT_HISTORY_DAYS } from "@/lib/sync/rate-limit-history";
import { withFreshDatabase } from "@/test/db";

withFreshDatabase();

const DAY = 24 * 60 * 60 * 1000;

describe("governor history retention", () => {
  it("deletes per-minute counts older than the retention and keeps the rest", async () => {
    const now = new Date("2026-11-23T03:30:00Z");
    const minute = (ago: number) => new Date(now.getTime() - ago);
    const rows = [
      { minute: minute((RATE_LIMIT_HISTORY_DAYS + 1) * DAY), keep: false },
      { minute: minute(RATE_LIMIT_HISTORY_DAYS * DAY + 60_000), keep: false },
      { minute: minute(RATE_LIMIT_HISTORY_DAYS * DAY - 60_000), keep: true },
      { minute: minute(60_000), keep: true },
    ];
    await db().rateLimitMinute.createMany({
      data: rows.map((r) => ({
        provider: "STRIPE",
        bucket: "default",
        minute: r.minute,
        calls: 3,
        ratePerSecond: 90,
      })),
    });
    expect(await pruneRateLimitHistory(RATE_LIMIT_HISTORY_DAYS, now)).toBe(2);
    const left = await db().rateLimitMinute.findMany({ orderBy: { minute: "asc" } });
    expect(left.map((r) => r.minute.toISOString())).toEqual(
      rows.filter((r) => r.keep).map((r) => r.minute.toISOString()),
    );
    expect(await pruneRateLimitHistory(RATE_LIMIT_HISTORY_DAYS, now)).toBe(0);
  });
});
