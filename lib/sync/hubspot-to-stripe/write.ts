import "server-only";
import type Stripe from "stripe";
import { db } from "@/lib/db";
import { stripeCall } from "@/lib/connectors/stripe/client";
import type { TStripeWrite } from "@/lib/sync/hubspot-to-stripe/decide";
import { recordWrites } from "@/lib/sync/ledger";
import { toStripeParams, writableKeys } from "@/lib/sync/mapping";
import { readMapping } from "@/lib/sync/mapping-settings";
import { claimObservations, followUpNewest, markClocksWritten } from "@/lib/sync/newest-clock";
import { markWriteDeadLettered } from "@/lib/sync/pair-status";
import { later } from "@/lib/sync/staleness";
import { logSync, pairEntry } from "@/lib/sync/sync-log";
import { claimSourceState, resyncIfOvertaken } from "@/lib/sync/write-order";

/**
 * HubSpot → Stripe, last step: creates or updates the Stripe customer with an Idempotency-Key
 * derived from the change, then records mapping, write ledger and SyncLog in one transaction.
 */

const DIRECTION = "hubspot_to_stripe" as const;

const pairIds = (m: { id: string; hubspotContactId: string; stripeCustomerId: string }) => ({
  mapId: m.id,
  contactId: m.hubspotContactId,
  customerId: m.stripeCustomerId,
});

/** The pair after a successful write: created, or moved to this customer and this contact state. */
async function commitStripeWrite(
  w: TStripeWrite,
  customerId: string,
  keys: string[],
  created: boolean,
): Promise<string> {
  const now = new Date();
  return db().$transaction(async (tx) => {
    const existing = await tx.contactCustomerMap.findUnique({ where: { hubspotContactId: w.contactId } });
    const synced = { email: w.values.email, lastSyncToStripeAt: now };
    let mapId = existing?.id;
    if (existing) {
      await tx.contactCustomerMap.update({
        where: { id: existing.id },
        data: {
          ...synced,
          stripeCustomerId: customerId,
          hubspotUpdatedAt: later(existing.hubspotUpdatedAt, new Date(w.contactUpdatedAtMs)),
          status: "ok",
          lastError: null,
        },
      });
    } else {
      const hubspotUpdatedAt = new Date(w.contactUpdatedAtMs);
      const pair = await tx.contactCustomerMap.upsert({
        where: { stripeCustomerId: customerId },
        create: { ...synced, hubspotContactId: w.contactId, stripeCustomerId: customerId, hubspotUpdatedAt },
        update: { ...synced, hubspotContactId: w.contactId, hubspotUpdatedAt, status: "ok", lastError: null },
      });
      mapId = pair.id;
      // A new pair's clocks start from the contact's edits, written now.
      await claimObservations(mapId, w.observations ?? [], tx);
    }
    await markClocksWritten(tx, mapId!, "HUBSPOT", w.newest);
    await recordWrites([{ system: "STRIPE", objectId: customerId, values: w.values, keys }], tx);
    await logSync(
      [
        {
          ...pairEntry(DIRECTION, w.contactId, customerId, w.webhookEventId),
          outcome: "applied",
          statusCode: 200,
          lagMs: now.getTime() - w.occurredAt,
          message: `${w.nearMiss ? "near-miss echo: " : ""}${created ? "created" : "updated"} customer: ${keys.join(", ")}`,
        },
      ],
      tx,
    );
    return mapId!;
  });
}

export async function applyStripeWrite(w: TStripeWrite): Promise<{ customerId: string; created: boolean }> {
  const mapping = await readMapping();
  // Re-read: a twin run may have mapped this contact since the plan was made.
  const current = await db().contactCustomerMap.findUnique({ where: { hubspotContactId: w.contactId } });
  let customerId = current?.stripeCustomerId ?? w.customerId;
  let keys = w.keys;
  if (!customerId && w.lookUpByEmail && w.values.email) {
    const found = await stripeCall((s) => s.customers.list({ email: w.values.email!, limit: 1 }));
    customerId = found.data[0]?.id;
  }
  if (current && !w.customerId) keys = writableKeys(mapping, DIRECTION, false);
  if (current && !(await claimSourceState(DIRECTION, current.id, w.contactUpdatedAtMs))) {
    // The newer run may have been planned before a `newest` edit was claimed: nothing owed is left behind.
    await followUpNewest(DIRECTION, pairIds(current), {});
    await logSync([
      {
        ...pairEntry(DIRECTION, w.contactId, current.stripeCustomerId, w.webhookEventId),
        outcome: "skipped_stale",
        message: "a newer state of the contact is being written by another run",
      },
    ]);
    return { customerId: current.stripeCustomerId, created: false };
  }
  const params = toStripeParams(w.values, keys, mapping) as Stripe.CustomerUpdateParams;
  params.metadata = { hubspot_contact_id: w.contactId };
  const created = !customerId;
  const customer = customerId
    ? await stripeCall((s) =>
        s.customers.update(customerId, params, {
          idempotencyKey:
            customerId === w.customerId ? w.idempotencyKey : `${w.idempotencyKey}:${customerId}`,
        }),
      )
    : await stripeCall((s) =>
        s.customers.create(params as Stripe.CustomerCreateParams, { idempotencyKey: w.idempotencyKey }),
      );
  const mapId = await commitStripeWrite(w, customer.id, keys, created);
  const pair = { mapId, contactId: w.contactId, customerId: customer.id };
  if (current) await resyncIfOvertaken(DIRECTION, pair, w.contactUpdatedAtMs);
  await followUpNewest(DIRECTION, pair, w.newest);
  return { customerId: customer.id, created };
}

/** After retries ran out or Stripe refused: the mapping shows the error and the attempt is logged. */
export async function markStripeWriteFailed(
  w: TStripeWrite,
  error: string,
  statusCode?: number,
): Promise<void> {
  await markWriteDeadLettered(
    DIRECTION,
    { sourceId: w.contactId, targetId: w.customerId, webhookEventId: w.webhookEventId },
    error,
    statusCode,
  );
}
