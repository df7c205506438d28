import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { withFreshDatabase } from "@/test/db";
import { loadOverviewStats } from "./stats";

withFreshDatabase();

describe("overview figures", () => {
  it("count what the database holds", async () => {
    const now = new Date("2026-11-22T12:00:00Z");
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);
    await db().user.createMany({
      data: [{ email: "a@x.test" }, { email: "b@x.test" }, { email: "c@x.test", disabled: true }],
    });
    await db().webhookEvent.createMany({
      data: [
        {
          provider: "STRIPE",
          dedupeKey: "1",
          type: "t",
          payload: {},
          receivedAt: hoursAgo(1),
          status: "PROCESSED",
        },
        {
          provider: "STRIPE",
          dedupeKey: "2",
          type: "t",
          payload: {},
          receivedAt: hoursAgo(2),
          status: "RECEIVED",
        },
        {
          provider: "HUBSPOT",
          dedupeKey: "3",
          type: "t",
          payload: {},
          receivedAt: hoursAgo(30),
          status: "FAILED",
        },
      ],
    });
    await db().auditLog.create({ data: { action: "x", createdAt: hoursAgo(1) } });
    const stats = await loadOverviewStats(now);
    expect(stats.staffCount).toBe(2);
    expect(stats.webhooks24h).toEqual([{ provider: "STRIPE", count: 2 }]);
    expect(stats.inbox.byStatus).toEqual({ PROCESSED: 1, RECEIVED: 1, FAILED: 1 });
    expect(stats.inbox.oldestPendingAt).toBe(hoursAgo(2).toISOString());
    expect(stats.auditActions7d).toBe(1);
  });
});
