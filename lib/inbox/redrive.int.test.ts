import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { withFreshDatabase } from "@/test/db";
import type { TInngestEvent } from "./hand-off";
import { MAX_HANDOFF_ATTEMPTS, REDRIVE_AFTER_MS, redriveStalled } from "./redrive";

withFreshDatabase();

const now = new Date("2026-11-22T12:00:00Z");
const stalledAt = new Date(now.getTime() - REDRIVE_AFTER_MS - 1000);
const recentAt = new Date(now.getTime() - 10_000);

async function addRow(
  dedupeKey: string,
  status: "HANDED_OFF" | "PROCESSED",
  handedOffAt: Date,
  handoffAttempts = 0,
) {
  return db().webhookEvent.create({
    data: {
      provider: "HUBSPOT",
      dedupeKey,
      type: "contact.propertyChange",
      payload: { objectId: 1 },
      receivedAt: handedOffAt,
      status,
      handedOffAt,
      handoffAttempts,
    },
  });
}

describe("inbox redrive", () => {
  it("re-sends only rows handed off long ago and never dispatched, with a new event id per attempt", async () => {
    const stalled = await addRow("k-stalled", "HANDED_OFF", stalledAt);
    await addRow("k-recent", "HANDED_OFF", recentAt);
    await addRow("k-processed", "PROCESSED", stalledAt);
    await addRow("k-given-up", "HANDED_OFF", stalledAt, MAX_HANDOFF_ATTEMPTS);
    const sent: TInngestEvent[] = [];

    const result = await redriveStalled((events) => Promise.resolve(sent.push(...events)), now);

    expect(result).toEqual({ found: 1, resent: 1 });
    expect(sent).toEqual([
      {
        id: "webhook:HUBSPOT:k-stalled:redrive:1",
        name: "revbridge/webhook.received",
        data: { webhookEventId: stalled.id, provider: "HUBSPOT", type: "contact.propertyChange" },
      },
    ]);
    const after = await db().webhookEvent.findUniqueOrThrow({ where: { id: stalled.id } });
    expect(after).toMatchObject({ status: "HANDED_OFF", handoffAttempts: 1, handedOffAt: now });

    // Just re-sent: the next minute's sweep leaves it alone; five minutes later it gets attempt 2.
    expect(await redriveStalled(() => Promise.reject(new Error("must not send")), now)).toEqual({
      found: 0,
      resent: 0,
    });
    const later = new Date(now.getTime() + REDRIVE_AFTER_MS + 1000);
    const again: TInngestEvent[] = [];
    await redriveStalled((events) => Promise.resolve(again.push(...events)), later);
    // By then the row handed off 10 s before `now` has stalled too: its first re-send.
    expect(again.map((e) => e.id).sort()).toEqual([
      "webhook:HUBSPOT:k-recent:redrive:1",
      "webhook:HUBSPOT:k-stalled:redrive:2",
    ]);
  });

  it("counts nothing when the send fails, so the next sweep tries the same attempt again", async () => {
    const row = await addRow("k-fail", "HANDED_OFF", stalledAt);
    await expect(redriveStalled(() => Promise.reject(new Error("inngest unreachable")), now)).rejects.toThrow(
      "inngest unreachable",
    );
    const after = await db().webhookEvent.findUniqueOrThrow({ where: { id: row.id } });
    expect(after).toMatchObject({ handoffAttempts: 0, handedOffAt: stalledAt });
  });
});
