/** The set-based H → S commit and claims: every write leaves exactly one pair, ledger row and log row. */
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { fieldHash } from "@/lib/sync/echo";
import { commitStripeWrites, distinctRounds, type TWritten } from "@/lib/sync/hubspot-to-stripe/commit";
import type { TStripeWrite } from "@/lib/sync/hubspot-to-stripe/decide";
import { claimSourceStates } from "@/lib/sync/write-order";
import { withFreshDatabase } from "@/test/db";

withFreshDatabase();

const KEYS = ["email", "name"];

function written(
  contactId: string,
  customerId: string,
  atMs: number,
  extra: Partial<TStripeWrite> = {},
): TWritten {
  const w: TStripeWrite = {
    contactId,
    values: { email: `${contactId}@example.com`, name: `Contact ${contactId}` },
    keys: KEYS,
    contactUpdatedAtMs: atMs,
    occurredAt: atMs - 500,
    idempotencyKey: `test:${contactId}`,
    lookUpByEmail: false,
    nearMiss: false,
    newest: {},
    ...extra,
  };
  return { w, customerId, keys: KEYS, created: !w.customerId };
}

describe("commitStripeWrites", () => {
  it("creates one pair, one ledger row and one applied log row per write of a 25-write step", async () => {
    const t0 = Date.UTC(2026, 10, 23, 4, 0, 0, 123);
    const batch = Array.from({ length: 25 }, (_, i) => written(`c${i}`, `cus_${i}`, t0 + i));
    const ids = await commitStripeWrites(batch);
    expect(new Set(ids).size).toBe(25);
    const pairs = await db().contactCustomerMap.findMany({
      where: { hubspotContactId: { startsWith: "c" } },
    });
    expect(pairs).toHaveLength(25);
    for (const [i, x] of batch.entries()) {
      const p = pairs.find((m) => m.hubspotContactId === x.w.contactId)!;
      expect(p.id).toBe(ids[i]);
      expect(p.stripeCustomerId).toBe(x.customerId);
      expect(p.email).toBe(x.w.values.email);
      expect(p.status).toBe("ok");
      // Exactly the contact's state, to the millisecond (the staleness check compares these).
      expect(p.hubspotUpdatedAt?.getTime()).toBe(t0 + i);
      expect(p.lastSyncToStripeAt).not.toBeNull();
    }
    const ledger = await db().writeLedger.findMany({ where: { system: "STRIPE" } });
    expect(ledger.map((l) => l.objectId).sort()).toEqual(batch.map((x) => x.customerId).sort());
    expect(ledger.find((l) => l.objectId === "cus_3")?.fieldHash).toBe(fieldHash(batch[3]!.w.values, KEYS));
    const logs = await db().syncLog.findMany({
      where: { direction: "hubspot_to_stripe", outcome: "applied" },
    });
    expect(logs.map((l) => l.sourceId).sort()).toEqual(batch.map((x) => x.w.contactId).sort());
    expect(logs.every((l) => l.message?.startsWith("created customer: email, name"))).toBe(true);
  });

  it("updates existing pairs in place, never moving their synced state back, next to new ones", async () => {
    const t0 = Date.UTC(2026, 10, 23, 5, 0, 0, 0);
    await commitStripeWrites([written("u1", "cus_u1", t0 + 10_000), written("u2", "cus_u2", t0)]);
    await db().contactCustomerMap.update({
      where: { hubspotContactId: "u2" },
      data: { status: "error", lastError: "boom" },
    });
    const again = [
      written("u1", "cus_u1", t0 + 5_000, { customerId: "cus_u1" }), // older than the state held
      written("u2", "cus_u2", t0 + 7_000, { customerId: "cus_u2", nearMiss: true }),
      written("u3", "cus_u3", t0),
    ];
    await commitStripeWrites(again);
    const by = new Map(
      (
        await db().contactCustomerMap.findMany({ where: { hubspotContactId: { in: ["u1", "u2", "u3"] } } })
      ).map((m) => [m.hubspotContactId, m]),
    );
    expect(by.size).toBe(3);
    expect(by.get("u1")!.hubspotUpdatedAt?.getTime()).toBe(t0 + 10_000);
    expect(by.get("u2")!.hubspotUpdatedAt?.getTime()).toBe(t0 + 7_000);
    expect(by.get("u2")).toMatchObject({ status: "ok", lastError: null });
    expect(
      await db().writeLedger.count({ where: { objectId: { in: ["cus_u1", "cus_u2", "cus_u3"] } } }),
    ).toBe(5);
    const u2 = await db().syncLog.findMany({ where: { sourceId: "u2" }, orderBy: { createdAt: "asc" } });
    expect(u2.map((l) => l.message)).toEqual([
      "created customer: email, name",
      "near-miss echo: updated customer: email, name",
    ]);
  });

  it("a customer paired with another contact is taken over; one contact twice in a step lands in order", async () => {
    const t0 = Date.UTC(2026, 10, 23, 6, 0, 0, 0);
    await commitStripeWrites([written("old", "cus_shared", t0)]);
    const step = [
      written("new", "cus_shared", t0 + 1),
      written("twice", "cus_twice", t0 + 1),
      written("twice", "cus_twice", t0 + 2, { customerId: "cus_twice" }),
    ];
    expect(distinctRounds(step).map((r) => r.length)).toEqual([2, 1]);
    const ids = await commitStripeWrites(step);
    expect(ids[1]).toBe(ids[2]);
    const shared = await db().contactCustomerMap.findMany({ where: { stripeCustomerId: "cus_shared" } });
    expect(shared.map((m) => m.hubspotContactId)).toEqual(["new"]);
    const twice = await db().contactCustomerMap.findMany({ where: { hubspotContactId: "twice" } });
    expect(twice).toHaveLength(1);
    expect(twice[0]!.hubspotUpdatedAt?.getTime()).toBe(t0 + 2);
    expect(await db().syncLog.count({ where: { sourceId: "twice", outcome: "applied" } })).toBe(2);
  });

  it("writes nothing when the transaction fails (a retried step commits everything again)", async () => {
    const t0 = Date.UTC(2026, 10, 23, 7, 0, 0, 0);
    await commitStripeWrites([written("taken", "cus_taken", t0)]);
    // "moved" moves to cus_taken, which "taken" still holds: a unique violation fails the whole step.
    await commitStripeWrites([written("moved", "cus_moved", t0)]);
    const failing = [written("fresh", "cus_fresh", t0), written("moved", "cus_taken", t0 + 1)];
    await expect(commitStripeWrites(failing)).rejects.toThrow();
    expect(await db().contactCustomerMap.count({ where: { hubspotContactId: "fresh" } })).toBe(0);
    expect(await db().syncLog.count({ where: { sourceId: "fresh" } })).toBe(0);
    expect(await db().writeLedger.count({ where: { objectId: "cus_fresh" } })).toBe(0);
  });
});

describe("claimSourceStates", () => {
  it("claims a state at or after the one held, to the millisecond, and the newest of a pair named twice", async () => {
    const t0 = Date.UTC(2026, 10, 23, 8, 0, 0, 999);
    const [a, b, c] = await commitStripeWrites([
      written("k1", "cus_k1", t0),
      written("k2", "cus_k2", t0),
      written("k3", "cus_k3", t0),
    ]);
    const claimed = await claimSourceStates("hubspot_to_stripe", [
      { mapId: a!, stateAtMs: t0 }, // equal: claimed (a retry of the same state)
      { mapId: b!, stateAtMs: t0 - 1 }, // older: not claimed
      { mapId: c!, stateAtMs: t0 + 5 },
      { mapId: c!, stateAtMs: t0 + 9 },
    ]);
    expect([...claimed].sort()).toEqual([a, c].sort());
    const k3 = await db().contactCustomerMap.findUniqueOrThrow({ where: { id: c! } });
    expect(k3.hubspotUpdatedAt?.getTime()).toBe(t0 + 9);
    const k2 = await db().contactCustomerMap.findUniqueOrThrow({ where: { id: b! } });
    expect(k2.hubspotUpdatedAt?.getTime()).toBe(t0);
    expect(await claimSourceStates("stripe_to_hubspot", [{ mapId: b!, stateAtMs: t0 - 1 }])).toEqual(
      new Set([b]),
    );
  });
});
