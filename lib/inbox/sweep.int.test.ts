import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { withFreshDatabase } from "@/test/db";
import type { TInngestEvent } from "./hand-off";
import { SWEEP_GRACE_MS, sweepInbox } from "./sweep";

withFreshDatabase();

const now = new Date("2026-11-22T12:00:00Z");
const old = new Date(now.getTime() - SWEEP_GRACE_MS - 1000);

async function addRow(dedupeKey: string, receivedAt: Date, status: "RECEIVED" | "HANDED_OFF" = "RECEIVED") {
  return db().webhookEvent.create({
    data: {
      provider: "STRIPE",
      dedupeKey,
      type: "customer.updated",
      payload: { id: dedupeKey },
      receivedAt,
      status,
    },
  });
}

describe("inbox sweeper", () => {
  it("re-sends rows never handed off, with stable event ids, and marks them handed off", async () => {
    const stale = await addRow("evt_stale", old);
    await addRow("evt_fresh", now);
    await addRow("evt_done", old, "HANDED_OFF");
    const sent: TInngestEvent[] = [];
    const result = await sweepInbox((events) => Promise.resolve(sent.push(...events)), now);
    expect(result).toEqual({ found: 1, handedOff: 1, failed: 0 });
    expect(sent).toEqual([
      {
        id: "webhook:STRIPE:evt_stale",
        name: "revbridge/webhook.received",
        data: { webhookEventId: stale.id, provider: "STRIPE", type: "customer.updated" },
      },
    ]);
    const after = await db().webhookEvent.findUniqueOrThrow({ where: { id: stale.id } });
    expect(after.status).toBe("HANDED_OFF");
    expect(after.handedOffAt).not.toBeNull();
    expect((await db().webhookEvent.findFirstOrThrow({ where: { dedupeKey: "evt_fresh" } })).status).toBe(
      "RECEIVED",
    );
  });

  it("keeps rows RECEIVED and counts the attempt when sending fails, so nothing accepted is lost", async () => {
    const row = await addRow("evt_fail", old);
    const result = await sweepInbox(() => Promise.reject(new Error("inngest unreachable")), now);
    expect(result.failed).toBe(1);
    const after = await db().webhookEvent.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.status).toBe("RECEIVED");
    expect(after.handoffAttempts).toBe(1);
    expect(after.error).toContain("inngest unreachable");
  });

  it("refuses a second inbox row for the same provider delivery", async () => {
    await addRow("evt_dup", old);
    await expect(addRow("evt_dup", old)).rejects.toThrow();
  });
});
