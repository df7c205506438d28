import "server-only";
import { db } from "@/lib/db";
import { hubspotCall } from "@/lib/connectors/hubspot/client";
import { ensureContactProperties } from "@/lib/connectors/hubspot/contacts";
import { ProviderRejectedError } from "@/lib/connectors/errors";
import { recordWrites } from "@/lib/sync/ledger";
import type { TMapping } from "@/lib/sync/mapping";
import { readMapping } from "@/lib/sync/mapping-settings";
import { logSync, type TSyncLogEntry } from "@/lib/sync/sync-log";

/**
 * Recorded purchases → HubSpot: a behavioral event (or a note) per purchase and the contact's spend
 * properties. Several runs of the purchase function overlap, and the three events of one checkout can
 * land in different runs that all return the same purchase as pending: a run sends only the purchases
 * it claimed, and the spend it writes is checked again after the write (see `writeSpend`).
 */

/**
 * A claim older than this may be taken over by another run. A run that runs out of retries gives its
 * claims back (`releasePurchaseClaims`, from its onFailure), and its own retries keep them whatever
 * their age; the lease is for an owner that vanished without either. Long enough that a live owner's
 * attempt (governor waits, slow answers) never loses it; a takeover re-reads the row, so an event the
 * owner did send (the purchase then carries its contact) is not sent again.
 */
const CLAIM_LEASE_MS = 10 * 60_000;

/** Gives back the claims of a run that gave up, so a replay or a later run sends those purchases. */
export async function releasePurchaseClaims(claimant: string): Promise<void> {
  await db().purchase.updateMany({
    where: { hubspotClaimedBy: claimant, hubspotSyncedAt: null },
    data: { hubspotClaimedBy: null, hubspotClaimedAt: null },
  });
}

let behavioralEventsUnavailable = false;

/** Claims the unsynced purchases among `ids` for `claimant` (a run id); returns the claimed ids. */
async function claimPurchases(ids: string[], claimant: string): Promise<string[]> {
  if (ids.length === 0) return [];
  const now = new Date();
  // One UPDATE: PostgreSQL re-checks the WHERE on a row another run just claimed, so of two runs
  // claiming the same purchase at once exactly one matches it.
  await db().purchase.updateMany({
    where: {
      id: { in: ids },
      hubspotSyncedAt: null,
      OR: [
        { hubspotClaimedBy: null },
        { hubspotClaimedBy: claimant },
        { hubspotClaimedAt: { lt: new Date(now.getTime() - CLAIM_LEASE_MS) } },
      ],
    },
    data: { hubspotClaimedBy: claimant, hubspotClaimedAt: now },
  });
  const rows = await db().purchase.findMany({
    where: { id: { in: ids }, hubspotSyncedAt: null, hubspotClaimedBy: claimant },
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/**
 * Writes the purchases' events (or notes) and the contacts' spend properties; marks them synced.
 * `claimant` is the run id: overlapping runs given the same purchase send it once.
 */
export async function syncPurchasesToHubspot(
  ids: string[],
  claimant: string,
): Promise<{ synced: number; unpaired: number; claimedElsewhere: number; mode: string }> {
  const candidates = await db().purchase.findMany({
    where: { id: { in: ids }, hubspotSyncedAt: null },
    select: { id: true, purchaseKey: true, stripeCustomerId: true },
  });
  const maps = await db().contactCustomerMap.findMany({
    where: {
      stripeCustomerId: {
        in: candidates.map((r) => r.stripeCustomerId).filter((c): c is string => Boolean(c)),
      },
    },
  });
  const contactOf = new Map(maps.map((m) => [m.stripeCustomerId, m.hubspotContactId]));
  const waiting = candidates.filter((r) => !r.stripeCustomerId || !contactOf.has(r.stripeCustomerId));
  const logs: TSyncLogEntry[] = waiting.map((r) => ({
    direction: "purchase" as const,
    outcome: "skipped_unchanged" as const,
    sourceSystem: "STRIPE" as const,
    sourceId: r.purchaseKey,
    message: `waiting: customer ${r.stripeCustomerId ?? "(none)"} is not paired with a HubSpot contact: purchase recorded; sent once the customer is paired`,
  }));
  const readyIds = candidates.filter((r) => !waiting.includes(r)).map((r) => r.id);
  const claimed = await claimPurchases(readyIds, claimant);
  const claimedElsewhere = readyIds.length - claimed.length;
  if (claimed.length === 0) {
    await logSync(logs);
    return { synced: 0, unpaired: waiting.length, claimedElsewhere, mode: "none" };
  }
  // Read after the claim: a takeover sees what the previous owner already marked as sent.
  const ready = await db().purchase.findMany({ where: { id: { in: claimed } } });
  const contactOfRow = (r: { stripeCustomerId: string | null }) => contactOf.get(r.stripeCustomerId!)!;
  // A purchase whose event (or note) went out on an earlier attempt carries its contact already; a retry
  // after a failed spend write sends only the spend, so HubSpot never gets the purchase twice.
  const unsent = ready.filter((r) => r.hubspotContactId === null);
  const mapping = await readMapping();
  const mode = unsent.length === 0 ? "spend_only" : await sendPurchaseEvents(unsent, contactOfRow, mapping);
  const now = new Date();
  // "Event sent" (the contact id) now; "synced" only once the spend below is written too, so a failed
  // spend write leaves the purchases for the retry instead of losing the lifetime spend. One statement:
  // as a transaction of one UPDATE per purchase it outlived Prisma's 5 s transaction timeout under a
  // burst (every round trip waiting for a busy event loop), failed after the events had gone out, and
  // the retry sent them again.
  if (unsent.length > 0)
    await db().$executeRaw`
      UPDATE "Purchase" p SET "hubspotContactId" = u.contact
        FROM unnest(${unsent.map((r) => r.id)}::text[], ${unsent.map(contactOfRow)}::text[]) AS u(id, contact)
       WHERE p.id = u.id`;
  const contactIds = [...new Set(ready.map(contactOfRow))];
  const inputs = await writeSpend(contactIds, mapping);
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
    await tx.purchase.updateMany({ where: { id: { in: claimed } }, data: { hubspotSyncedAt: now } });
  });
  for (const r of ready) {
    logs.push({
      direction: "purchase",
      outcome: "applied",
      sourceSystem: "STRIPE",
      sourceId: r.purchaseKey,
      targetSystem: "HUBSPOT",
      targetId: contactOfRow(r),
      statusCode: 200,
      lagMs: now.getTime() - r.paidAt.getTime(),
      message: `${!unsent.includes(r) ? "(event sent earlier) " : mode === "note" ? "note + " : "behavioral event + "}spend properties (${r.sources.filter((s) => !s.startsWith("ref:")).join(", ")})`,
    });
  }
  await logSync(logs);
  return { synced: ready.length, unpaired: waiting.length, claimedElsewhere, mode };
}

type TUnsent = {
  id: string;
  stripeCustomerId: string | null;
  paidAt: Date;
  amount: number;
  currency: string;
  purchaseKey: string;
};

/** One batch call: behavioral events where the portal has them, otherwise notes. Returns the mode. */
async function sendPurchaseEvents(
  unsent: TUnsent[],
  contactOfRow: (r: TUnsent) => string,
  mapping: TMapping,
): Promise<"behavioral_event" | "note"> {
  const amountText = (r: { amount: number }) => (r.amount / 100).toFixed(2);
  if (mapping.purchaseEventName && !behavioralEventsUnavailable) {
    try {
      await hubspotCall("default", (c) =>
        c.events.send.batchApi.send({
          inputs: unsent.map((r) => ({
            eventName: mapping.purchaseEventName!,
            objectId: contactOfRow(r),
            occurredAt: r.paidAt,
            uuid: r.id,
            properties: { amount: amountText(r), currency: r.currency, purchase_key: r.purchaseKey },
          })),
        }),
      );
      return "behavioral_event";
    } catch (error) {
      if (!(error instanceof ProviderRejectedError && (error.status === 403 || error.status === 404)))
        throw error;
      behavioralEventsUnavailable = true;
    }
  }
  await hubspotCall("default", (c) =>
    c.crm.objects.notes.batchApi.create({
      inputs: unsent.map((r) => ({
        properties: {
          hs_timestamp: r.paidAt.toISOString(),
          hs_note_body: `Purchase ${amountText(r)} ${r.currency.toUpperCase()} (Stripe ${r.purchaseKey})`,
        },
        associations: [
          {
            to: { id: contactOfRow(r) },
            types: [{ associationCategory: "HUBSPOT_DEFINED" as never, associationTypeId: 202 }],
          },
        ],
      })),
    }),
  );
  return "note";
}

type TSpendInput = { id: string; properties: Record<string, string> };

/** Spend per contact, from every purchase marked sent to it (in the latest currency), in one query. */
async function spendInputs(contactIds: string[], mapping: TMapping): Promise<TSpendInput[]> {
  const props = mapping.purchaseProperties;
  const all = await db().purchase.findMany({
    where: { hubspotContactId: { in: contactIds } },
    orderBy: { paidAt: "desc" },
    select: { hubspotContactId: true, amount: true, currency: true, paidAt: true },
  });
  return contactIds.map((contactId) => {
    const mine = all.filter((p) => p.hubspotContactId === contactId);
    const latest = mine[0]!;
    const total = mine.filter((p) => p.currency === latest.currency).reduce((s, p) => s + p.amount, 0);
    return {
      id: contactId,
      properties: {
        [props.lifetimeSpend]: (total / 100).toFixed(2),
        [props.lastPurchaseDate]: latest.paidAt.toISOString(),
        [props.currency]: latest.currency.toUpperCase(),
      },
    };
  });
}

/** Rounds of write-then-check before the step gives up and lets its retry start over. */
const SPEND_ROUNDS = 4;

/**
 * Writes the contacts' spend, then reads it again: overlapping runs can each write a contact's spend,
 * and a run that read before another run's purchase was marked may land its (smaller) total last.
 * The run whose write lands last reads again after it, so it sees every purchase marked before then
 * (a purchase marked later belongs to a run that reads — and writes — later still); when its figures
 * changed it writes again. So the last write HubSpot applies is the complete one.
 */
async function writeSpend(contactIds: string[], mapping: TMapping): Promise<TSpendInput[]> {
  const props = mapping.purchaseProperties;
  await ensureContactProperties([
    { name: props.lifetimeSpend, label: "Lifetime spend (RevBridge)", type: "number" },
    { name: props.lastPurchaseDate, label: "Last purchase date (RevBridge)", type: "datetime" },
    { name: props.currency, label: "Purchase currency (RevBridge)", type: "string" },
  ]);
  const written: TSpendInput[] = [];
  let pending = await spendInputs(contactIds, mapping);
  for (let round = 0; pending.length > 0; round++) {
    if (round === SPEND_ROUNDS) throw new Error("purchase spend kept changing while being written; retrying");
    for (let i = 0; i < pending.length; i += 100) {
      const chunk = pending.slice(i, i + 100);
      await hubspotCall("default", (c) => c.crm.contacts.batchApi.update({ inputs: chunk }));
    }
    written.push(...pending);
    const sent = new Map(pending.map((p) => [p.id, JSON.stringify(p.properties)]));
    const now = await spendInputs([...sent.keys()], mapping);
    pending = now.filter((p) => sent.get(p.id) !== JSON.stringify(p.properties));
  }
  return written;
}
