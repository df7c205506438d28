import "server-only";
import type Stripe from "stripe";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { readContacts } from "@/lib/connectors/hubspot/contacts";
import { stripeCall } from "@/lib/connectors/stripe/client";
import {
  STRIPE_IDEMPOTENCY_PREFIX,
  fieldHash,
  isForeignHubspotChange,
  isOwnHubspotChange,
  ledgerDescribesTarget,
  verdictWithProvenance,
} from "@/lib/sync/echo";
import { lastWrittenHash, recentWrites, recordWrites, verdictFor } from "@/lib/sync/ledger";
import {
  fromHubspot,
  hubspotPropertiesRead,
  toStripeParams,
  writableKeys,
  type TCanonical,
} from "@/lib/sync/mapping";
import { readMapping } from "@/lib/sync/mapping-settings";
import { isStale, later } from "@/lib/sync/staleness";
import { logSync, type TSyncLogEntry } from "@/lib/sync/sync-log";
import { claimContactState, resyncIfOvertaken } from "@/lib/sync/write-order";

/**
 * HubSpot → Stripe: a batch of `hubspot.contact.changed` events → (triage) → one batch read of the
 * contacts → per contact a Stripe customer create/update with an Idempotency-Key derived from the
 * change, then mapping + write ledger + SyncLog in one transaction.
 */

export interface TContactChange {
  contactId: string;
  occurredAt: number;
  subscriptionType: string;
  changeSource?: string;
  sourceId?: string;
  mergedIds?: string[];
  webhookEventId?: string;
}

/** Engine-made events (resync, backfill, replay, catch-up) start with this; resync/replay bypass staleness. */
export const ENGINE_SUBSCRIPTION_PREFIX = "revbridge.";
export const isForced = (t: string) => t === "revbridge.resync" || t === "revbridge.replay";

export interface TContactCandidate {
  contactId: string;
  occurredAt: number;
  force: boolean;
  engine: boolean;
  /** Some event of the batch names another author (a person, an import…): a real change. */
  foreign?: boolean;
  webhookEventId?: string;
}

const DIRECTION = "hubspot_to_stripe" as const;

async function handleMerge(e: TContactChange, logs: TSyncLogEntry[]): Promise<void> {
  const client = db();
  const primary = await client.contactCustomerMap.findUnique({ where: { hubspotContactId: e.contactId } });
  for (const mergedId of e.mergedIds ?? []) {
    const merged = await client.contactCustomerMap.findUnique({ where: { hubspotContactId: mergedId } });
    if (!merged) continue;
    if (!primary) {
      // The surviving contact takes over the merged one's customer.
      await client.contactCustomerMap.update({
        where: { id: merged.id },
        data: { hubspotContactId: e.contactId, status: "ok" },
      });
      logs.push({
        direction: DIRECTION,
        outcome: "applied",
        sourceSystem: "HUBSPOT",
        sourceId: e.contactId,
        targetSystem: "STRIPE",
        targetId: merged.stripeCustomerId,
        message: `merge: contact ${mergedId} merged into ${e.contactId}; pair remapped`,
        webhookEventId: e.webhookEventId,
      });
    } else {
      await client.contactCustomerMap.update({
        where: { id: merged.id },
        data: { status: "contact_deleted", lastError: `merged into contact ${e.contactId}` },
      });
      logs.push({
        direction: DIRECTION,
        outcome: "applied",
        sourceSystem: "HUBSPOT",
        sourceId: mergedId,
        targetSystem: "STRIPE",
        targetId: merged.stripeCustomerId,
        message: `merge: contact ${mergedId} merged into ${e.contactId}, which keeps customer ${primary.stripeCustomerId}`,
        webhookEventId: e.webhookEventId,
      });
    }
  }
}

/**
 * Decides without calling HubSpot: deletions and merges update the mapping; our own API writes
 * (INTEGRATION + our app id) are echoes; events at or before the newest applied state are stale.
 * What remains needs a read.
 */
export async function triageContactChanges(events: TContactChange[]): Promise<TContactCandidate[]> {
  const logs: TSyncLogEntry[] = [];
  const byContact = new Map<string, TContactCandidate & { own: boolean }>();
  const appId = env().HUBSPOT_APP_ID;
  for (const e of events) {
    if (e.subscriptionType === "contact.deletion") {
      const m = await db().contactCustomerMap.updateMany({
        where: { hubspotContactId: e.contactId },
        data: { status: "contact_deleted" },
      });
      logs.push({
        direction: DIRECTION,
        outcome: "applied",
        sourceSystem: "HUBSPOT",
        sourceId: e.contactId,
        message: m.count
          ? "contact deleted in HubSpot: mapping marked, Stripe customer kept"
          : "contact deleted in HubSpot (not mapped)",
        webhookEventId: e.webhookEventId,
      });
      continue;
    }
    if (e.subscriptionType === "contact.merge") await handleMerge(e, logs);
    const own = isOwnHubspotChange(e.changeSource, e.sourceId, appId);
    const prev = byContact.get(e.contactId);
    byContact.set(e.contactId, {
      contactId: e.contactId,
      occurredAt: Math.max(prev?.occurredAt ?? 0, e.occurredAt),
      force: (prev?.force ?? false) || isForced(e.subscriptionType),
      engine: (prev?.engine ?? false) || e.subscriptionType.startsWith(ENGINE_SUBSCRIPTION_PREFIX),
      own: (prev?.own ?? true) && own,
      foreign: (prev?.foreign ?? false) || isForeignHubspotChange(e.changeSource, e.sourceId, appId),
      webhookEventId: prev?.webhookEventId ?? e.webhookEventId,
    });
  }
  const maps = await db().contactCustomerMap.findMany({
    where: { hubspotContactId: { in: [...byContact.keys()] } },
  });
  const mapBy = new Map(maps.map((m) => [m.hubspotContactId, m]));
  const candidates: TContactCandidate[] = [];
  for (const c of byContact.values()) {
    const m = mapBy.get(c.contactId);
    if (!c.force && c.own) {
      logs.push({
        direction: DIRECTION,
        outcome: "skipped_echo",
        sourceSystem: "HUBSPOT",
        sourceId: c.contactId,
        targetSystem: "STRIPE",
        targetId: m?.stripeCustomerId,
        message: "change made by RevBridge's own HubSpot app",
        webhookEventId: c.webhookEventId,
      });
      continue;
    }
    if (!c.force && m && isStale(c.occurredAt, m.hubspotUpdatedAt)) {
      logs.push({
        direction: DIRECTION,
        outcome: "skipped_stale",
        sourceSystem: "HUBSPOT",
        sourceId: c.contactId,
        targetSystem: "STRIPE",
        targetId: m.stripeCustomerId,
        message: `event at ${new Date(c.occurredAt).toISOString()} is not newer than the state synced (${m.hubspotUpdatedAt?.toISOString()})`,
        webhookEventId: c.webhookEventId,
      });
      continue;
    }
    if (m && m.status !== "ok" && m.status !== "error" && !c.force) {
      logs.push({
        direction: DIRECTION,
        outcome: "skipped_unchanged",
        sourceSystem: "HUBSPOT",
        sourceId: c.contactId,
        targetSystem: "STRIPE",
        targetId: m.stripeCustomerId,
        message: `mapping is ${m.status}: not synced`,
        webhookEventId: c.webhookEventId,
      });
      continue;
    }
    candidates.push({
      contactId: c.contactId,
      occurredAt: c.occurredAt,
      force: c.force,
      engine: c.engine,
      foreign: c.foreign,
      webhookEventId: c.webhookEventId,
    });
  }
  await logSync(logs);
  return candidates;
}

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
  webhookEventId?: string;
}

/** Reads the candidates in one batch call and decides what to write (echo, staleness, unchanged). */
export async function readAndDecideContacts(candidates: TContactCandidate[]): Promise<TStripeWrite[]> {
  if (candidates.length === 0) return [];
  const mapping = await readMapping();
  const { found, missing } = await readContacts(
    candidates.map((c) => c.contactId),
    hubspotPropertiesRead(mapping),
  );
  const logs: TSyncLogEntry[] = [];
  for (const id of missing)
    logs.push({
      direction: DIRECTION,
      outcome: "skipped_unchanged",
      sourceSystem: "HUBSPOT",
      sourceId: id,
      message: "contact not found in HubSpot (deleted or merged away)",
    });
  const candBy = new Map(candidates.map((c) => [c.contactId, c]));
  const ids = found.map((f) => f.id);
  const [maps, recent] = await Promise.all([
    db().contactCustomerMap.findMany({ where: { hubspotContactId: { in: ids } } }),
    recentWrites("HUBSPOT", ids),
  ]);
  const mapBy = new Map(maps.map((m) => [m.hubspotContactId, m]));
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
    const base = {
      direction: DIRECTION,
      sourceSystem: "HUBSPOT" as const,
      sourceId: contact.id,
      targetSystem: "STRIPE" as const,
      targetId: m?.stripeCustomerId,
      webhookEventId: cand.webhookEventId,
    };
    if (!cand.force && m && isStale(contact.updatedAtMs, m.hubspotUpdatedAt)) {
      logs.push({ ...base, outcome: "skipped_stale", message: "contact state already synced" });
      continue;
    }
    const verdict = verdictWithProvenance(verdictFor(values, recent.get(contact.id)), cand.foreign ?? false);
    if (!cand.force && verdict === "echo") {
      logs.push({
        ...base,
        outcome: "skipped_echo",
        message: "contact matches RevBridge's last write to it",
      });
      if (m)
        await db().contactCustomerMap.update({
          where: { id: m.id },
          data: { hubspotUpdatedAt: later(m.hubspotUpdatedAt, new Date(contact.updatedAtMs)) },
        });
      continue;
    }
    const keys = writableKeys(mapping, DIRECTION, !m);
    const hash = fieldHash(values, keys);
    const last = m ? lastStripe.get(m.stripeCustomerId) : undefined;
    if (
      !cand.force &&
      last &&
      ledgerDescribesTarget(last.writtenAt, m?.lastSyncToHubspotAt ?? null) &&
      last.fields.join() === [...keys].sort().join() &&
      last.fieldHash === hash
    ) {
      logs.push({
        ...base,
        outcome: "skipped_unchanged",
        message: "Stripe already holds these values" + (verdict === "near_miss" ? " (near-miss echo)" : ""),
      });
      await db().contactCustomerMap.update({
        where: { id: m!.id },
        data: { hubspotUpdatedAt: later(m!.hubspotUpdatedAt, new Date(contact.updatedAtMs)) },
      });
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
      values,
      keys,
      nearMiss: verdict === "near_miss",
      contactUpdatedAtMs: contact.updatedAtMs,
      occurredAt: cand.occurredAt,
      idempotencyKey: `${STRIPE_IDEMPOTENCY_PREFIX}h2s:${contact.id}:${m ? `${contact.updatedAtMs}:${hash.slice(0, 16)}` : "create"}`,
      lookUpByEmail: cand.engine,
      webhookEventId: cand.webhookEventId,
    });
  }
  await logSync(logs);
  return writes;
}

/** Creates or updates the Stripe customer, then records mapping, ledger and SyncLog together. */
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
  if (current && !(await claimContactState(current.id, w.contactUpdatedAtMs))) {
    await logSync([
      {
        direction: DIRECTION,
        outcome: "skipped_stale",
        sourceSystem: "HUBSPOT",
        sourceId: w.contactId,
        targetSystem: "STRIPE",
        targetId: current.stripeCustomerId,
        message: "a newer state of the contact is being written by another run",
        webhookEventId: w.webhookEventId,
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
  const now = new Date();
  await db().$transaction(async (tx) => {
    const existing = await tx.contactCustomerMap.findUnique({ where: { hubspotContactId: w.contactId } });
    if (existing) {
      await tx.contactCustomerMap.update({
        where: { id: existing.id },
        data: {
          stripeCustomerId: customer.id,
          email: w.values.email,
          hubspotUpdatedAt: later(existing.hubspotUpdatedAt, new Date(w.contactUpdatedAtMs)),
          lastSyncToStripeAt: now,
          status: "ok",
          lastError: null,
        },
      });
    } else {
      await tx.contactCustomerMap.upsert({
        where: { stripeCustomerId: customer.id },
        create: {
          hubspotContactId: w.contactId,
          stripeCustomerId: customer.id,
          email: w.values.email,
          hubspotUpdatedAt: new Date(w.contactUpdatedAtMs),
          lastSyncToStripeAt: now,
        },
        update: {
          hubspotContactId: w.contactId,
          email: w.values.email,
          hubspotUpdatedAt: new Date(w.contactUpdatedAtMs),
          lastSyncToStripeAt: now,
          status: "ok",
          lastError: null,
        },
      });
    }
    await recordWrites([{ system: "STRIPE", objectId: customer.id, values: w.values, keys }], tx);
    await logSync(
      [
        {
          direction: DIRECTION,
          outcome: "applied",
          sourceSystem: "HUBSPOT",
          sourceId: w.contactId,
          targetSystem: "STRIPE",
          targetId: customer.id,
          statusCode: 200,
          lagMs: now.getTime() - w.occurredAt,
          message: `${w.nearMiss ? "near-miss echo: " : ""}${created ? "created" : "updated"} customer: ${keys.join(", ")}`,
          webhookEventId: w.webhookEventId,
        },
      ],
      tx,
    );
  });
  if (current) await resyncIfOvertaken(w.contactId, w.contactUpdatedAtMs);
  return { customerId: customer.id, created };
}

/** After retries ran out or Stripe refused: the mapping shows the error and the attempt is logged. */
export async function markStripeWriteFailed(
  w: TStripeWrite,
  error: string,
  statusCode?: number,
): Promise<void> {
  await db().contactCustomerMap.updateMany({
    where: { hubspotContactId: w.contactId },
    data: { status: "error", lastError: error.slice(0, 500) },
  });
  await logSync([
    {
      direction: DIRECTION,
      outcome: "dead_lettered",
      sourceSystem: "HUBSPOT",
      sourceId: w.contactId,
      targetSystem: "STRIPE",
      targetId: w.customerId,
      statusCode,
      message: error,
      webhookEventId: w.webhookEventId,
    },
  ]);
}
