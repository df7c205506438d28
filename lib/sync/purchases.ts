import "server-only";
import { db, type Prisma } from "@/lib/db";
import { stripeCall } from "@/lib/connectors/stripe/client";
import { groupFacts, purchaseFact, purchaseKeyOf, type TPurchaseFact } from "@/lib/sync/purchase-facts";
import type { TStripeChange } from "@/lib/sync/stripe-to-hubspot/triage";

/**
 * Purchases: Stripe events → one Purchase row per purchase (unique purchaseKey = PaymentIntent id;
 * the other ids that reported it are kept as `ref:<id>` in `sources`); the HubSpot side (event or
 * note, spend properties) is lib/sync/purchase-hubspot.ts.
 */

/** The objects of a batch's events as the inbox stored them, in one query. */
async function inboxObjects(changes: TStripeChange[]): Promise<Map<string, Record<string, unknown>>> {
  const rows = await db().webhookEvent.findMany({
    where: { provider: "STRIPE", dedupeKey: { in: changes.map((c) => c.stripeEventId) } },
    select: { dedupeKey: true, payload: true },
  });
  const out = new Map<string, Record<string, unknown>>();
  for (const r of rows) {
    const object = (r.payload as { data?: { object?: Record<string, unknown> } } | undefined)?.data?.object;
    if (object) out.set(r.dedupeKey, object);
  }
  return out;
}

/** Replays, resyncs and catch-up may not have the body in the inbox: read the object. */
async function readObject(change: TStripeChange): Promise<Record<string, unknown>> {
  const id = change.objectId;
  const read = await stripeCall((s): Promise<unknown> =>
    change.type === "payment_intent.succeeded"
      ? s.paymentIntents.retrieve(id)
      : change.type === "invoice.paid"
        ? s.invoices.retrieve(id)
        : s.checkout.sessions.retrieve(id),
  );
  return read as Record<string, unknown>;
}

/**
 * A batch's purchases are recorded holding one connection: a transaction per purchase waited for a
 * pooled connection each time, and behind a burst of H → S writes sharing the pool a batch of 50
 * took 20–35 s to record.
 */
const RECORD_TX = { maxWait: 15_000, timeout: 60_000 };

/**
 * Runs of the purchase function overlap, and the events of one payment (checkout session, invoice,
 * payment intent) can be in different runs. Each transaction first takes a transaction-scoped advisory
 * lock on every ref of the batch (in one statement, in key order, so two batches never deadlock): two
 * runs holding facts that share a ref record one after the other, and the later one finds the row the
 * earlier one made (READ COMMITTED: each statement sees what committed before it began). Then it locks
 * the rows its refs match, in id order, so two runs that reach one row through different refs (a late
 * invoice and a late payment intent of a recorded checkout) fold their sources in turn, not over each other.
 */
async function lockRefs(tx: Prisma.TransactionClient, refs: string[]): Promise<void> {
  if (refs.length === 0) return;
  await tx.$executeRaw`SELECT count(pg_advisory_xact_lock(k)) FROM (
      SELECT DISTINCT hashtextextended(r, 0) AS k FROM unnest(${refs}::text[]) AS r ORDER BY 1) AS keys`;
  await tx.$executeRaw`SELECT 1 FROM "Purchase"
      WHERE "purchaseKey" = ANY(${refs}::text[]) OR sources && ${refs.map((r) => `ref:${r}`)}::text[]
      ORDER BY id FOR UPDATE`;
}

/** Records the purchases of a batch; returns the ids of purchases not yet on HubSpot. */
export async function recordPurchases(changes: TStripeChange[]): Promise<string[]> {
  const facts: TPurchaseFact[] = [];
  const stored = await inboxObjects(changes);
  for (const c of changes) {
    const object = stored.get(c.stripeEventId) ?? (await readObject(c));
    const fact =
      object &&
      purchaseFact(c.type, object, {
        stripeEventId: c.stripeEventId,
        created: c.created,
        webhookEventId: c.webhookEventId,
      });
    if (fact) facts.push(fact);
  }
  return db().$transaction(async (tx) => {
    await lockRefs(tx, [...new Set(facts.flatMap((f) => f.refs))]);
    const pending: string[] = [];
    for (const group of groupFacts(facts)) {
      const id = await recordGroup(tx, group);
      if (id) pending.push(id);
    }
    return pending;
  }, RECORD_TX);
}

/** One purchase (the facts of one payment): created, or folded into the row(s) already recorded. */
async function recordGroup(
  tx: Prisma.TransactionClient,
  group: TPurchaseFact[],
): Promise<string | undefined> {
  const refs = [...new Set(group.flatMap((f) => f.refs))];
  const key = purchaseKeyOf(group);
  const tokens = [...new Set([...group.map((f) => f.type), ...refs.map((r) => `ref:${r}`)])];
  const first = group[0]!;
  const customerId = group.find((f) => f.customerId)?.customerId;
  const existing = await tx.purchase.findMany({
    where: { OR: [{ purchaseKey: { in: refs } }, { sources: { hasSome: refs.map((r) => `ref:${r}`) } }] },
    orderBy: { createdAt: "asc" },
  });
  if (existing.length === 0) {
    const row = await tx.purchase.create({
      data: {
        purchaseKey: key,
        stripeCustomerId: customerId,
        amount: first.amount,
        currency: first.currency,
        paidAt: new Date(Math.min(...group.map((f) => f.paidAtMs))),
        sources: tokens,
      },
    });
    return row.hubspotSyncedAt ? undefined : row.id;
  }
  // Keep one row (the one already keyed by the PaymentIntent, else the oldest); fold the others in.
  const keep = existing.find((e) => e.purchaseKey === key) ?? existing[0]!;
  const others = existing.filter((e) => e.id !== keep.id);
  if (others.length) await tx.purchase.deleteMany({ where: { id: { in: others.map((o) => o.id) } } });
  const synced = [keep, ...others].map((e) => e.hubspotSyncedAt).find((d) => d) ?? null;
  const row = await tx.purchase.update({
    where: { id: keep.id },
    data: {
      purchaseKey: key,
      stripeCustomerId:
        keep.stripeCustomerId ?? customerId ?? others.find((o) => o.stripeCustomerId)?.stripeCustomerId,
      hubspotContactId: keep.hubspotContactId ?? others.find((o) => o.hubspotContactId)?.hubspotContactId,
      sources: [...new Set([...keep.sources, ...others.flatMap((o) => o.sources), ...tokens])],
      hubspotSyncedAt: synced,
    },
  });
  return row.hubspotSyncedAt ? undefined : row.id;
}

/** Purchases whose customer is not paired with a contact yet (S→H may still be on its way). */
export async function unpairedPurchases(ids: string[]): Promise<string[]> {
  const rows = await db().purchase.findMany({
    where: { id: { in: ids } },
    select: { id: true, stripeCustomerId: true },
  });
  const maps = await db().contactCustomerMap.findMany({
    where: {
      stripeCustomerId: { in: rows.map((r) => r.stripeCustomerId).filter((c): c is string => Boolean(c)) },
    },
    select: { stripeCustomerId: true },
  });
  const paired = new Set(maps.map((m) => m.stripeCustomerId));
  return rows.filter((r) => !r.stripeCustomerId || !paired.has(r.stripeCustomerId)).map((r) => r.id);
}

const TYPE_BY_PREFIX: [string, string][] = [
  ["pi_", "payment_intent.succeeded"],
  ["in_", "invoice.paid"],
  ["cs_", "checkout.session.completed"],
];

/**
 * Purchases of customers just paired with a contact that are still waiting for HubSpot, as events
 * for the purchase function: a purchase that raced its customer's first sync is sent
 * as soon as the pair exists.
 */
export async function waitingPurchaseEvents(
  customerIds: string[],
): Promise<{ id: string; name: string; data: Record<string, unknown> }[]> {
  if (customerIds.length === 0) return [];
  const rows = await db().purchase.findMany({
    where: { stripeCustomerId: { in: customerIds }, hubspotSyncedAt: null },
    select: { id: true, purchaseKey: true, paidAt: true },
  });
  return rows.flatMap((r) => {
    const type = TYPE_BY_PREFIX.find(([p]) => r.purchaseKey.startsWith(p))?.[1];
    if (!type) return [];
    return [
      {
        id: `purchase-paired:${r.id}`,
        name: "revbridge/stripe.object.changed",
        data: {
          stripeEventId: `resync:purchase:${r.purchaseKey}`,
          type,
          objectId: r.purchaseKey,
          created: Math.floor(r.paidAt.getTime() / 1000),
        },
      },
    ];
  });
}
