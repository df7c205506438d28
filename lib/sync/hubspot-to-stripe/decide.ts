import "server-only";
import { db } from "@/lib/db";
import { readContacts } from "@/lib/connectors/hubspot/contacts";
import {
  STRIPE_IDEMPOTENCY_PREFIX,
  fieldHash,
  targetHoldsValues,
  verdictWithProvenance,
} from "@/lib/sync/echo";
import { claimHubspotEdits } from "@/lib/sync/hubspot-to-stripe/claim";
import type { TContactCandidate } from "@/lib/sync/hubspot-to-stripe/triage";
import { lastWrittenHash, recentWrites, verdictFor } from "@/lib/sync/ledger";
import { fromHubspot, hubspotPropertiesRead, type TCanonical } from "@/lib/sync/mapping";
import { readMapping } from "@/lib/sync/mapping-settings";
import { readClocks } from "@/lib/sync/newest-clock";
import {
  hasPendingNewest,
  keysToWrite,
  newestHubspotProperties,
  newestToWrite,
  type TClock,
  type TObservation,
} from "@/lib/sync/newest-observe";
import { isStale, later } from "@/lib/sync/staleness";
import { logSync, pairEntry, type TSyncLogEntry } from "@/lib/sync/sync-log";

/**
 * HubSpot → Stripe, second step: one batch read of the candidate contacts, then per contact what
 * Stripe needs (echo by the write ledger, staleness by `lastmodifieddate`, "Stripe already holds
 * these values").
 */

export interface TStripeWrite {
  contactId: string;
  customerId?: string;
  values: TCanonical;
  keys: string[];
  contactUpdatedAtMs: number;
  occurredAt: number;
  idempotencyKey: string;
  /** Engine-made events may meet a customer that exists in Stripe but is not mapped yet: look it up by email. */
  lookUpByEmail: boolean;
  /** We wrote this contact recently but it differs now: a real change racing our write (counted on the Sync page). */
  nearMiss: boolean;
  /** `newest` fields in this write, at their clock's value (lib/sync/newest-clock.ts). */
  newest: TCanonical;
  /** No pair yet: the contact's `newest` edits, to start the clocks of the pair this write creates. */
  observations?: TObservation[];
  webhookEventId?: string;
}

const DIRECTION = "hubspot_to_stripe" as const;

const newestStamp = (clock: ReadonlyMap<string, TClock> | undefined, newest: TCanonical) => {
  const at = Math.max(0, ...Object.keys(newest).map((k) => clock?.get(k)?.at ?? 0));
  return at ? `:${at}` : "";
};

/** Moves the pair's synced HubSpot time forward when the state read needs no write. */
async function noteSynced(m: { id: string; hubspotUpdatedAt: Date | null }, atMs: number): Promise<void> {
  await db().contactCustomerMap.update({
    where: { id: m.id },
    data: { hubspotUpdatedAt: later(m.hubspotUpdatedAt, new Date(atMs)) },
  });
}

export async function readAndDecideContacts(candidates: TContactCandidate[]): Promise<TStripeWrite[]> {
  if (candidates.length === 0) return [];
  const mapping = await readMapping();
  const properties = hubspotPropertiesRead(mapping);
  const { found, missing } = await readContacts(
    candidates.map((c) => c.contactId),
    properties,
    newestHubspotProperties(mapping),
  );
  const logs: TSyncLogEntry[] = [];
  for (const id of missing)
    logs.push({
      ...pairEntry(DIRECTION, id),
      targetSystem: undefined,
      outcome: "skipped_unchanged",
      message: "contact not found in HubSpot (deleted or merged away)",
    });
  const candBy = new Map(candidates.map((c) => [c.contactId, c]));
  const ids = found.map((f) => f.id);
  const [maps, recent] = await Promise.all([
    db().contactCustomerMap.findMany({ where: { hubspotContactId: { in: ids } } }),
    recentWrites("HUBSPOT", ids),
  ]);
  const mapBy = new Map(maps.map((m) => [m.hubspotContactId, m]));
  const observed = await claimHubspotEdits(found, mapBy, properties);
  const clocks = await readClocks(maps.map((m) => m.id));
  const lastStripe = await lastWrittenHash(
    "STRIPE",
    maps.map((m) => m.stripeCustomerId),
  );
  const writes: TStripeWrite[] = [];
  for (const contact of found) {
    // A merged-away id reads as its primary; the candidate may be under either.
    const cand =
      candBy.get(contact.id) ??
      candidates.find((c) =>
        (contact.properties.hs_merged_object_ids ?? "").split(";").includes(c.contactId),
      );
    if (!cand) continue;
    const m = mapBy.get(contact.id);
    const values = fromHubspot(contact.properties, mapping);
    const base = pairEntry(DIRECTION, contact.id, m?.stripeCustomerId, cand.webhookEventId);
    const clock = m ? clocks.get(m.id) : undefined;
    // A `newest` edit still owed to Stripe is written whatever the checks below would say of the rest.
    const owed = hasPendingNewest(clock, "HUBSPOT");
    if (!cand.force && !owed && m && isStale(contact.updatedAtMs, m.hubspotUpdatedAt)) {
      logs.push({ ...base, outcome: "skipped_stale", message: "contact state already synced" });
      continue;
    }
    const verdict = verdictWithProvenance(verdictFor(values, recent.get(contact.id)), cand.foreign ?? false);
    if (!cand.force && !owed && verdict === "echo") {
      logs.push({
        ...base,
        outcome: "skipped_echo",
        message: "contact matches RevBridge's last write to it",
      });
      if (m) await noteSynced(m, contact.updatedAtMs);
      continue;
    }
    const newest = newestToWrite(mapping, clock, "HUBSPOT", values, { force: cand.force, creating: !m });
    const keys = keysToWrite(mapping, DIRECTION, !m, newest);
    const toWrite = { ...values, ...newest };
    const hash = fieldHash(toWrite, keys);
    const last = m ? lastStripe.get(m.stripeCustomerId) : undefined;
    if (!cand.force && m && targetHoldsValues(last, m.lastSyncToHubspotAt, keys, hash)) {
      logs.push({
        ...base,
        outcome: "skipped_unchanged",
        message: "Stripe already holds these values" + (verdict === "near_miss" ? " (near-miss echo)" : ""),
      });
      await noteSynced(m, contact.updatedAtMs);
      continue;
    }
    if (!m && !values.email) {
      logs.push({
        ...base,
        outcome: "skipped_unchanged",
        message: "contact has no email yet: no Stripe customer created",
      });
      continue;
    }
    writes.push({
      contactId: contact.id,
      customerId: m?.stripeCustomerId,
      values: toWrite,
      keys,
      newest,
      ...(m ? {} : { observations: observed.get(contact.id) ?? [] }),
      nearMiss: verdict === "near_miss",
      contactUpdatedAtMs: contact.updatedAtMs,
      occurredAt: cand.occurredAt,
      // The clocks' times too: a repair may write a value again for the same contact state.
      idempotencyKey: `${STRIPE_IDEMPOTENCY_PREFIX}h2s:${contact.id}:${m ? `${contact.updatedAtMs}:${hash.slice(0, 16)}${newestStamp(clock, newest)}` : "create"}`,
      lookUpByEmail: cand.engine,
      webhookEventId: cand.webhookEventId,
    });
  }
  await logSync(logs);
  return writes;
}
