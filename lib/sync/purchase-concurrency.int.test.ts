/**
 * Purchases under overlapping runs (sync-purchase-to-hubspot runs several batches at once): the events
 * of one payment recorded by concurrent transactions make one Purchase row, and concurrent HubSpot
 * writes send it once. The transactions are made to overlap for real: the test holds a SHARE lock on
 * "Purchase" until every call is blocked in the database, so without the ref locks all of them read
 * "no row yet" before any of them writes.
 */
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { releasePurchaseClaims, syncPurchasesToHubspot } from "@/lib/sync/purchase-hubspot";
import { recordPurchases } from "@/lib/sync/purchases";
import type { TStripeChange } from "@/lib/sync/stripe-to-hubspot/triage";
import { waitFor } from "@/test/app-inngest";
import {
  control,
  hub,
  mapFor,
  quiet,
  rawContact,
  setUpSyncHarness,
  str,
  stripe,
  withoutWebhooks,
} from "@/lib/sync/sync-harness";

setUpSyncHarness();

/** A paired customer and a completed checkout (with invoice) whose webhooks never reach the app. */
async function checkoutOf(email: string, amount: number) {
  const customer = await stripe.customers.create({ email, name: "Con Current" });
  const map = await mapFor({ stripeCustomerId: customer.id });
  await quiet();
  const session = await withoutWebhooks(async () => {
    const created = await stripe.checkout.sessions.create({
      mode: "payment",
      customer: customer.id,
      success_url: "https://example.com/ok",
      invoice_creation: { enabled: true },
      line_items: [
        { quantity: 1, price_data: { currency: "usd", unit_amount: amount, product_data: { name: "Fee" } } },
      ],
    });
    str.completeCheckoutSession(created.id);
    return stripe.checkout.sessions.retrieve(created.id);
  });
  const created = Math.floor(Date.now() / 1000);
  const change = (type: string, objectId: string): TStripeChange => ({
    stripeEventId: `evt_${type}_${objectId}`,
    type,
    objectId,
    created,
  });
  return {
    customer,
    map,
    changes: [
      change("checkout.session.completed", session.id),
      change("payment_intent.succeeded", session.payment_intent as string),
      change("invoice.paid", session.invoice as string),
    ],
  };
}

/** Runs `calls` while "Purchase" is SHARE-locked, released once `waiters` sessions wait on a lock. */
async function overlapping<T>(waiters: number, calls: (() => Promise<T>)[]): Promise<T[]> {
  let results: Promise<T[]> | undefined;
  await db().$transaction(
    async (tx) => {
      await tx.$executeRaw`LOCK TABLE "Purchase" IN SHARE MODE`;
      results = Promise.all(calls.map((c) => c()));
      results.catch(() => undefined); // judged below, after the lock is released
      await waitFor(
        async () =>
          (
            await db().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'`
          )[0]!.n >= waiters,
        `${waiters} transactions blocked`,
        20_000,
      );
    },
    { timeout: 30_000 },
  );
  return results!;
}

describe("purchases under overlapping runs", () => {
  it("records the checkout, invoice and payment-intent events of one payment, in three concurrent transactions, as one row", async () => {
    const { customer, changes } = await checkoutOf("overlap@example.com", 4_200);
    const pending = await overlapping(
      3,
      changes.map((c) => () => recordPurchases([c])),
    );
    const rows = await db().purchase.findMany({ where: { stripeCustomerId: customer.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.amount).toBe(4_200);
    expect(rows[0]!.sources).toEqual(
      expect.arrayContaining(["checkout.session.completed", "invoice.paid", "payment_intent.succeeded"]),
    );
    expect(pending).toEqual([[rows[0]!.id], [rows[0]!.id], [rows[0]!.id]]);
  });

  it("sends a purchase that two runs both hold to HubSpot once, and its spend", async () => {
    const { customer, map, changes } = await checkoutOf("twice@example.com", 7_700);
    const [ids] = await Promise.all([
      recordPurchases(changes.slice(0, 1)),
      recordPurchases(changes.slice(1)),
    ]);
    // The event call is slow, so both runs are past their read of "not sent yet" before either returns.
    hub.standIn.faults.configure({ latencyMs: 1_000, pathPrefixes: ["/events/v3/send"] });
    try {
      const results = await Promise.all([
        syncPurchasesToHubspot(ids, "run-a"),
        syncPurchasesToHubspot(ids, "run-b"),
      ]);
      expect(results.map((r) => r.synced).sort()).toEqual([0, 1]);
    } finally {
      hub.standIn.faults.configure({});
    }
    const events = await control<{ results: { objectId?: string }[] }>("/__sandbox/hubspot/events");
    expect(events.results.filter((e) => e.objectId === map.hubspotContactId)).toHaveLength(1);
    const row = await db().purchase.findFirstOrThrow({ where: { stripeCustomerId: customer.id } });
    expect(row.hubspotSyncedAt).not.toBeNull();
    expect(await db().syncLog.count({ where: { sourceId: row.purchaseKey, outcome: "applied" } })).toBe(1);
    expect((await rawContact(map.hubspotContactId)).properties.revbridge_lifetime_spend).toBe("77.00");
  });

  it("two runs writing two purchases of one contact at once leave the spend of both", async () => {
    const first = await checkoutOf("spend@example.com", 1_000);
    const a = await recordPurchases(first.changes);
    const second = await withoutWebhooks(() =>
      stripe.paymentIntents.create({
        amount: 2_500,
        currency: "usd",
        customer: first.customer.id,
        confirm: true,
        payment_method: "pm_card_visa",
      }),
    );
    const b = await recordPurchases([
      {
        stripeEventId: `evt_pi_${second.id}`,
        type: "payment_intent.succeeded",
        objectId: second.id,
        created: Math.floor(Date.now() / 1000),
      },
    ]);
    // The first run reads its spend (one purchase) and its write is slow; the second run marks its
    // purchase after that read and writes first. Without the check after the write, 10.00 lands last.
    hub.standIn.faults.configure({
      latencyMs: 1_500,
      pathPrefixes: ["/crm/v3/objects/contacts/batch/update"],
    });
    let runA: Promise<unknown> | undefined;
    try {
      runA = syncPurchasesToHubspot(a, "run-a");
      await waitFor(
        async () => (await db().purchase.findUniqueOrThrow({ where: { id: a[0]! } })).hubspotContactId,
        "run a marked its purchase sent",
      );
      await new Promise((r) => setTimeout(r, 300)); // its slow spend write is on its way
    } finally {
      hub.standIn.faults.configure({});
    }
    await syncPurchasesToHubspot(b, "run-b");
    await runA;
    expect((await rawContact(first.map.hubspotContactId)).properties.revbridge_lifetime_spend).toBe("35.00");
    expect((await rawContact(first.map.hubspotContactId)).properties.revbridge_lifetime_spend).toBe("35.00");
  });

  it("a purchase claimed by a run that gave up is sent once that run's claims are released", async () => {
    const { changes } = await checkoutOf("given-up@example.com", 900);
    const ids = await recordPurchases(changes);
    await db().purchase.updateMany({
      where: { id: { in: ids } },
      data: { hubspotClaimedBy: "dead-run", hubspotClaimedAt: new Date() },
    });
    expect(await syncPurchasesToHubspot(ids, "replay-run")).toMatchObject({ synced: 0, claimedElsewhere: 1 });
    await releasePurchaseClaims("dead-run");
    expect(await syncPurchasesToHubspot(ids, "replay-run")).toMatchObject({ synced: 1, claimedElsewhere: 0 });
  });
});
