/** applyStripeWrites when the step's joint commit fails: one record's conflict holds back only itself. */
import { describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import type * as Commit from "@/lib/sync/hubspot-to-stripe/commit";
import type { TStripeWrite } from "@/lib/sync/hubspot-to-stripe/decide";
import { applyStripeWrites } from "@/lib/sync/hubspot-to-stripe/write";
import { settleRecord } from "@/lib/sync/step-errors";
import { withFreshDatabase } from "@/test/db";

// Stripe answers every create with a customer named after the contact (the sandbox is not needed here).
vi.mock("@/lib/connectors/stripe/client", () => ({
  stripeCall: <T>(call: (s: unknown) => Promise<T>) =>
    call({
      customers: {
        create: (p: { metadata: { hubspot_contact_id: string } }) =>
          Promise.resolve({ id: `cus_${p.metadata.hubspot_contact_id}` }),
        update: (id: string) => Promise.resolve({ id }),
      },
    }),
}));

// A commit that includes contact "bad" fails, as a unique conflict would.
vi.mock("@/lib/sync/hubspot-to-stripe/commit", async (importOriginal) => {
  const real = await importOriginal<typeof Commit>();
  return {
    ...real,
    commitStripeWrites: async (xs: Parameters<typeof real.commitStripeWrites>[0]) => {
      if (xs.some((x) => x.w.contactId.startsWith("bad"))) throw new Error("conflict");
      return real.commitStripeWrites(xs);
    },
  };
});

withFreshDatabase();

const write = (contactId: string): TStripeWrite => ({
  contactId,
  values: { email: `${contactId}@example.com`, name: contactId },
  keys: ["email", "name"],
  contactUpdatedAtMs: Date.UTC(2026, 10, 23, 9),
  occurredAt: Date.UTC(2026, 10, 23, 9),
  idempotencyKey: `test:${contactId}`,
  lookUpByEmail: false,
  nearMiss: false,
  newest: {},
});

const pairsOf = async (ids: string[]) =>
  (await db().contactCustomerMap.findMany({ where: { hubspotContactId: { in: ids } } }))
    .map((m) => `${m.hubspotContactId}:${m.stripeCustomerId}`)
    .sort();

describe("applyStripeWrites, joint commit failing", () => {
  it("on the last attempt commits the others and dead-letters only the conflicting record", async () => {
    const gaveUp: string[] = [];
    const outcomes = await applyStripeWrites([write("g1"), write("bad1"), write("g2")], (w, work) =>
      settleRecord(work, { attempt: 8, retries: 8 }, () => Promise.resolve(void gaveUp.push(w.contactId))),
    );
    expect(outcomes).toEqual([
      { customerId: "cus_g1", created: true },
      "dead_lettered",
      { customerId: "cus_g2", created: true },
    ]);
    expect(gaveUp).toEqual(["bad1"]);
    expect(await pairsOf(["g1", "bad1", "g2"])).toEqual(["g1:cus_g1", "g2:cus_g2"]);
    expect(await db().syncLog.count({ where: { sourceId: { in: ["g1", "g2"] }, outcome: "applied" } })).toBe(
      2,
    );
  });

  it("before the last attempt commits the others, then fails the step for a retry", async () => {
    const step = applyStripeWrites([write("g3"), write("bad2")], (_w, work) =>
      settleRecord(work, { attempt: 0, retries: 8 }, () => Promise.resolve()),
    );
    await expect(step).rejects.toThrow(/conflict/);
    expect(await pairsOf(["g3", "bad2"])).toEqual(["g3:cus_g3"]);
    expect(await db().writeLedger.count({ where: { objectId: "cus_g3" } })).toBe(1);
  });
});
