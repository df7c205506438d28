import "server-only";
import { db, type Prisma } from "@/lib/db";
import { hubspotCall } from "@/lib/connectors/hubspot/client";
import { ensureContactProperties } from "@/lib/connectors/hubspot/contacts";
import { ProviderRejectedError } from "@/lib/connectors/errors";
import { stripeCall } from "@/lib/connectors/stripe/client";
import { recordWrites } from "@/lib/sync/ledger";
import { readMapping } from "@/lib/sync/mapping-settings";
import { groupFacts, purchaseFact, purchaseKeyOf, type TPurchaseFact } from "@/lib/sync/purchase-facts";
import { logSync, type TSyncLogEntry } from "@/lib/sync/sync-log";
import type { TStripeChange } from "@/lib/sync/stripe-to-hubspot/triage";

/**
 * Purchases: Stripe events → one Purchase row per purchase (unique purchaseKey = PaymentIntent id;
 * the other ids that reported it are kept as `ref:<id>` in `sources`) → a HubSpot behavioral event
 * (or a note when the portal has none) and the contact's spend properties.
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
 * took 20–35 s to record (the function runs one batch at a time, so every later batch waited too).
 */
const RECORD_TX = { maxWait: 15_000, timeout: 60_000 };

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

let behavioralEventsUnavailable = false;

/** Writes the purchases' events (or notes) and the contacts' spend properties; marks them synced. */
export async function syncPurchasesToHubspot(
  ids: string[],
): Promise<{ synced: number; unpaired: number; mode: string }> {
  const mapping = await readMapping();
  const props = mapping.purchaseProperties;
  const rows = await db().purchase.findMany({ where: { id: { in: ids }, hubspotSyncedAt: null } });
  const maps = await db().contactCustomerMap.findMany({
    where: {
      stripeCustomerId: { in: rows.map((r) => r.stripeCustomerId).filter((c): c is string => Boolean(c)) },
    },
  });
  const contactOf = new Map(maps.map((m) => [m.stripeCustomerId, m.hubspotContactId]));
  const ready = rows.filter((r) => r.stripeCustomerId && contactOf.has(r.stripeCustomerId));
  // A purchase whose event (or note) went out on an earlier attempt carries its contact already; a retry
  // after a failed spend write sends only the spend, so HubSpot never gets the purchase twice.
  const unsent = ready.filter((r) => r.hubspotContactId === null);
  const logs: TSyncLogEntry[] = rows
    .filter((r) => !ready.includes(r))
    .map((r) => ({
      direction: "purchase" as const,
      outcome: "skipped_unchanged" as const,
      sourceSystem: "STRIPE" as const,
      sourceId: r.purchaseKey,
      message: `waiting: customer ${r.stripeCustomerId ?? "(none)"} is not paired with a HubSpot contact: purchase recorded; sent once the customer is paired`,
    }));
  if (ready.length === 0) {
    await logSync(logs);
    return { synced: 0, unpaired: rows.length, mode: "none" };
  }
  const amountText = (r: { amount: number }) => (r.amount / 100).toFixed(2);
  let mode = "behavioral_event";
  if (unsent.length === 0) mode = "spend_only";
  else if (mapping.purchaseEventName && !behavioralEventsUnavailable) {
    try {
      await hubspotCall("default", (c) =>
        c.events.send.batchApi.send({
          inputs: unsent.map((r) => ({
            eventName: mapping.purchaseEventName!,
            objectId: contactOf.get(r.stripeCustomerId!)!,
            occurredAt: r.paidAt,
            uuid: r.id,
            properties: { amount: amountText(r), currency: r.currency, purchase_key: r.purchaseKey },
          })),
        }),
      );
    } catch (error) {
      if (!(error instanceof ProviderRejectedError && (error.status === 403 || error.status === 404)))
        throw error;
      behavioralEventsUnavailable = true;
      mode = "note";
    }
  } else mode = "note";
  if (mode === "note") {
    await hubspotCall("default", (c) =>
      c.crm.objects.notes.batchApi.create({
        inputs: unsent.map((r) => ({
          properties: {
            hs_timestamp: r.paidAt.toISOString(),
            hs_note_body: `Purchase ${amountText(r)} ${r.currency.toUpperCase()} (Stripe ${r.purchaseKey})`,
          },
          associations: [
            {
              to: { id: contactOf.get(r.stripeCustomerId!)! },
              types: [{ associationCategory: "HUBSPOT_DEFINED" as never, associationTypeId: 202 }],
            },
          ],
        })),
      }),
    );
  }
  const now = new Date();
  // "Event sent" (the contact id) now; "synced" only once the spend below is written too, so a failed
  // spend write leaves the purchases for the retry instead of losing the lifetime spend.
  await db().$transaction(
    unsent.map((r) =>
      db().purchase.update({
        where: { id: r.id },
        data: { hubspotContactId: contactOf.get(r.stripeCustomerId!)! },
      }),
    ),
  );
  // Spend per contact, from every purchase of every customer paired with it (in the latest currency).
  const contactIds = [...new Set(ready.map((r) => contactOf.get(r.stripeCustomerId!)!))];
  await ensureContactProperties([
    { name: props.lifetimeSpend, label: "Lifetime spend (RevBridge)", type: "number" },
    { name: props.lastPurchaseDate, label: "Last purchase date (RevBridge)", type: "datetime" },
    { name: props.currency, label: "Purchase currency (RevBridge)", type: "string" },
  ]);
  const inputs: { id: string; properties: Record<string, string> }[] = [];
  for (const contactId of contactIds) {
    const all = await db().purchase.findMany({
      where: { hubspotContactId: contactId },
      orderBy: { paidAt: "desc" },
    });
    const latest = all[0]!;
    const total = all.filter((p) => p.currency === latest.currency).reduce((s, p) => s + p.amount, 0);
    inputs.push({
      id: contactId,
      properties: {
        [props.lifetimeSpend]: (total / 100).toFixed(2),
        [props.lastPurchaseDate]: latest.paidAt.toISOString(),
        [props.currency]: latest.currency.toUpperCase(),
      },
    });
  }
  for (let i = 0; i < inputs.length; i += 100) {
    const chunk = inputs.slice(i, i + 100);
    await hubspotCall("default", (c) => c.crm.contacts.batchApi.update({ inputs: chunk }));
  }
  // The ledger rows (echo suppression) and the pairs' "last sync to HubSpot" commit together.
  const writtenAt = new Date();
  await db().$transaction(async (tx) => {
    await recordWrites(
      inputs.map((i) => ({
        system: "HUBSPOT" as const,
        objectId: i.id,
        values: i.properties,
        keys: Object.keys(i.properties),
      })),
      tx,
    );
    await tx.contactCustomerMap.updateMany({
      where: { hubspotContactId: { in: contactIds } },
      data: { lastSyncToHubspotAt: writtenAt },
    });
    await tx.purchase.updateMany({
      where: { id: { in: ready.map((r) => r.id) } },
      data: { hubspotSyncedAt: now },
    });
  });
  for (const r of ready) {
    logs.push({
      direction: "purchase",
      outcome: "applied",
      sourceSystem: "STRIPE",
      sourceId: r.purchaseKey,
      targetSystem: "HUBSPOT",
      targetId: contactOf.get(r.stripeCustomerId!)!,
      statusCode: 200,
      lagMs: now.getTime() - r.paidAt.getTime(),
      message: `${!unsent.includes(r) ? "(event sent earlier) " : mode === "note" ? "note + " : "behavioral event + "}spend properties (${r.sources.filter((s) => !s.startsWith("ref:")).join(", ")})`,
    });
  }
  await logSync(logs);
  return { synced: ready.length, unpaired: rows.length - ready.length, mode };
}

const TYPE_BY_PREFIX: [string, string][] = [
  ["pi_", "payment_intent.succeeded"],
  ["in_", "invoice.paid"],
  ["cs_", "checkout.session.completed"],
];

/**
 * Purchases of customers just paired with a contact that are still waiting for HubSpot, as events
 * for the (serialised) purchase function: a purchase that raced its customer's first sync is sent
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
