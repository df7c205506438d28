import "server-only";
import type Stripe from "stripe";
import { db } from "@/lib/db";
import { stripeCall } from "@/lib/connectors/stripe/client";
import { fieldHash, targetHoldsValues, verdictWithProvenance } from "@/lib/sync/echo";
import { lastWrittenHash, recentWrites, verdictFor } from "@/lib/sync/ledger";
import { fromStripe, toHubspotProperties, type TCanonical } from "@/lib/sync/mapping";
import { readMapping } from "@/lib/sync/mapping-settings";
import { readClocks, resyncPair } from "@/lib/sync/newest-clock";
import { hasPendingNewest, keysToWrite, newestToWrite, type TObservation } from "@/lib/sync/newest-observe";
import type { TCustomerCandidate } from "@/lib/sync/stripe-to-hubspot/triage";
import { logSync, pairEntry, type TSyncLogEntry } from "@/lib/sync/sync-log";

/**
 * Stripe → HubSpot, second step: re-reads the candidate customers (the webhook body is a hint; see
 * currentCustomer) and decides what HubSpot needs (echo by the write ledger, "HubSpot already holds
 * these values").
 */

export interface THubspotWrite {
  customerId: string;
  contactId?: string;
  email: string | null;
  values: TCanonical;
  keys: string[];
  properties: Record<string, string>;
  created: number;
  /** metadata.hubspot_contact_id is missing or wrong on the customer: link it after the write. */
  needsLink: boolean;
  /** We wrote this customer recently but it differs now (counted on the Sync page). */
  nearMiss: boolean;
  /** `newest` fields in this write, at their clock's value (lib/sync/newest-clock.ts). */
  newest: TCanonical;
  /** No pair yet: the customer's `newest` edits, to start the clocks of the pair this write creates. */
  observations?: TObservation[];
  webhookEventId?: string;
}

const DIRECTION = "stripe_to_hubspot" as const;

/**
 * The customer to write. A customer no pair and no write of ours has touched yet is taken from its
 * event (the triage keeps that only when no other event of the batch shares its second): no write of
 * ours is known to be newer than it, and the re-read cost a governed Stripe call (~1 s in a burst's
 * line) on the path of every new customer. Anything else is read again: the webhook body is a hint.
 */
async function currentCustomer(
  c: TCustomerCandidate,
  mapBy: Map<string, unknown>,
  recent: Map<string, unknown[]>,
): Promise<Stripe.Customer | Stripe.DeletedCustomer> {
  if (c.snapshot && !mapBy.has(c.customerId) && !recent.get(c.customerId)?.length)
    return c.snapshot as unknown as Stripe.Customer;
  return stripeCall((s) => s.customers.retrieve(c.customerId));
}

export async function readAndDecideCustomers(candidates: TCustomerCandidate[]): Promise<THubspotWrite[]> {
  if (candidates.length === 0) return [];
  const mapping = await readMapping();
  const logs: TSyncLogEntry[] = [];
  const ids = candidates.map((c) => c.customerId);
  const [maps, recent] = await Promise.all([
    db().contactCustomerMap.findMany({ where: { stripeCustomerId: { in: ids } } }),
    recentWrites("STRIPE", ids),
  ]);
  const mapBy = new Map(maps.map((m) => [m.stripeCustomerId, m]));
  const customers = await Promise.all(candidates.map((c) => currentCustomer(c, mapBy, recent)));
  const lastHub = await lastWrittenHash(
    "HUBSPOT",
    maps.map((m) => m.hubspotContactId),
  );
  const clocks = await readClocks(maps.map((m) => m.id));
  const writes: THubspotWrite[] = [];
  for (const [i, cand] of candidates.entries()) {
    const customer = customers[i]!;
    const m = mapBy.get(cand.customerId);
    const base = pairEntry(DIRECTION, cand.customerId, m?.hubspotContactId, cand.webhookEventId);
    if ("deleted" in customer && customer.deleted) {
      logs.push({ ...base, outcome: "skipped_unchanged", message: "customer no longer exists in Stripe" });
      continue;
    }
    const c = customer;
    const values = fromStripe(c as never, mapping);
    const clock = m ? clocks.get(m.id) : undefined;
    // Read after the claim: a stale write of ours that landed in Stripe meanwhile is repaired.
    if (m && cand.claimed?.some((k) => clock?.get(k)?.value !== (values[k] ?? null)))
      await resyncPair(
        "hubspot_to_stripe",
        { mapId: m.id, contactId: m.hubspotContactId, customerId: m.stripeCustomerId },
        "source",
      );
    // A `newest` edit still owed to HubSpot is written whatever the checks below would say of the rest.
    const owed = hasPendingNewest(clock, "STRIPE");
    const verdict = verdictWithProvenance(
      verdictFor(values, recent.get(cand.customerId)),
      cand.foreign ?? false,
    );
    if (!cand.force && !owed && verdict === "echo") {
      logs.push({
        ...base,
        outcome: "skipped_echo",
        message: "customer matches RevBridge's last write to it",
      });
      continue;
    }
    const linked = c.metadata?.hubspot_contact_id || undefined;
    const contactId = m?.hubspotContactId ?? linked;
    const newest = newestToWrite(mapping, clock, "STRIPE", values, {
      force: cand.force,
      creating: !contactId,
    });
    const keys = keysToWrite(mapping, DIRECTION, !contactId, newest);
    const toWrite = { ...values, ...newest };
    const last = contactId ? lastHub.get(contactId) : undefined;
    if (
      !cand.force &&
      targetHoldsValues(last, m?.lastSyncToStripeAt ?? null, keys, fieldHash(toWrite, keys))
    ) {
      logs.push({ ...base, outcome: "skipped_unchanged", message: "HubSpot already holds these values" });
      continue;
    }
    if (!contactId && !values.email) {
      logs.push({
        ...base,
        outcome: "skipped_unchanged",
        message: "customer has no email: no HubSpot contact to upsert by",
      });
      continue;
    }
    writes.push({
      customerId: cand.customerId,
      contactId,
      email: values.email ?? null,
      values: toWrite,
      keys,
      newest,
      ...(m ? {} : { observations: cand.observations ?? [] }),
      properties: toHubspotProperties(toWrite, keys, mapping),
      created: cand.created,
      needsLink: linked !== contactId || !linked,
      nearMiss: verdict === "near_miss",
      webhookEventId: cand.webhookEventId,
    });
  }
  await logSync(logs);
  return writes;
}
