import "server-only";
import type Stripe from "stripe";
import { db, Prisma } from "@/lib/db";
import {
  archiveContact,
  ensureMappedProperties,
  writeContacts,
  type TContactWrite,
} from "@/lib/connectors/hubspot/contacts";
import { ProviderRejectedError } from "@/lib/connectors/errors";
import { stripeCall } from "@/lib/connectors/stripe/client";
import {
  STRIPE_IDEMPOTENCY_PREFIX,
  fieldHash,
  isForeignStripeRequest,
  isOwnStripeRequest,
  ledgerDescribesTarget,
  verdictWithProvenance,
} from "@/lib/sync/echo";
import { lastWrittenHash, recentWrites, recordWrites, verdictFor } from "@/lib/sync/ledger";
import { fromStripe, toHubspotProperties, writableKeys, type TCanonical } from "@/lib/sync/mapping";
import { readMapping } from "@/lib/sync/mapping-settings";
import { isStale, later } from "@/lib/sync/staleness";
import { logSync, type TSyncLogEntry } from "@/lib/sync/sync-log";

/**
 * Stripe → HubSpot: a batch of `stripe.object.changed` customer events → triage (echo by our
 * Idempotency-Key, staleness by the event's `created`) → re-read the customers that changed →
 * one HubSpot batch update/upsert (≤ 100) → rejected records retried one by one by the caller.
 */

export interface TStripeChange {
  stripeEventId: string;
  type: string;
  objectId: string;
  created: number;
  webhookEventId?: string;
}

/** Resyncs and dead-letter replays (ids `resync:…`, `replay:…`) bypass the staleness, echo and unchanged checks. */
export const isForcedStripeChange = (c: TStripeChange) =>
  c.stripeEventId.startsWith("resync:") || c.stripeEventId.startsWith("replay:");

export interface TCustomerCandidate {
  customerId: string;
  created: number;
  force: boolean;
  /** Some event of the batch came from someone else's API request: a real change. */
  foreign?: boolean;
  webhookEventId?: string;
}

const DIRECTION = "stripe_to_hubspot" as const;

async function handleDeleted(customerId: string, c: TStripeChange, logs: TSyncLogEntry[]): Promise<void> {
  const mapping = await readMapping();
  const m = await db().contactCustomerMap.findUnique({ where: { stripeCustomerId: customerId } });
  if (!m) {
    logs.push({
      direction: DIRECTION,
      outcome: "skipped_unchanged",
      sourceSystem: "STRIPE",
      sourceId: customerId,
      message: "customer deleted (not mapped)",
      webhookEventId: c.webhookEventId,
    });
    return;
  }
  await db().contactCustomerMap.update({ where: { id: m.id }, data: { status: "customer_deleted" } });
  let message = "customer deleted in Stripe: mapping marked, HubSpot contact kept";
  if (mapping.deleteHubspotContactOnStripeDelete) {
    await archiveContact(m.hubspotContactId);
    message = "customer deleted in Stripe: HubSpot contact archived (configured)";
  }
  logs.push({
    direction: DIRECTION,
    outcome: "applied",
    sourceSystem: "STRIPE",
    sourceId: customerId,
    targetSystem: "HUBSPOT",
    targetId: m.hubspotContactId,
    message,
    webhookEventId: c.webhookEventId,
  });
}

/** Decides without calling Stripe: deletions, our own requests (echo) and stale events. */
export async function triageCustomerChanges(changes: TStripeChange[]): Promise<TCustomerCandidate[]> {
  const logs: TSyncLogEntry[] = [];
  const inbox = await db().webhookEvent.findMany({
    where: { provider: "STRIPE", dedupeKey: { in: changes.map((c) => c.stripeEventId) } },
    select: { dedupeKey: true, payload: true },
  });
  const requestOf = new Map(
    inbox.map((r) => [
      r.dedupeKey,
      (r.payload as { request?: { id?: string | null; idempotency_key?: string | null } }).request,
    ]),
  );
  const byCustomer = new Map<string, TCustomerCandidate & { own: boolean; deleted?: TStripeChange }>();
  for (const c of changes) {
    const prev = byCustomer.get(c.objectId);
    const own = isOwnStripeRequest(requestOf.get(c.stripeEventId));
    byCustomer.set(c.objectId, {
      customerId: c.objectId,
      created: Math.max(prev?.created ?? 0, c.created),
      force: (prev?.force ?? false) || isForcedStripeChange(c),
      own: (prev?.own ?? true) && own,
      foreign: (prev?.foreign ?? false) || isForeignStripeRequest(requestOf.get(c.stripeEventId)),
      webhookEventId: prev?.webhookEventId ?? c.webhookEventId,
      deleted: c.type === "customer.deleted" ? c : prev?.deleted,
    });
  }
  const maps = await db().contactCustomerMap.findMany({
    where: { stripeCustomerId: { in: [...byCustomer.keys()] } },
  });
  const mapBy = new Map(maps.map((m) => [m.stripeCustomerId, m]));
  const out: TCustomerCandidate[] = [];
  for (const c of byCustomer.values()) {
    const m = mapBy.get(c.customerId);
    const base = {
      direction: DIRECTION,
      sourceSystem: "STRIPE" as const,
      sourceId: c.customerId,
      targetSystem: "HUBSPOT" as const,
      targetId: m?.hubspotContactId,
      webhookEventId: c.webhookEventId,
    };
    if (c.deleted) {
      await handleDeleted(c.customerId, c.deleted, logs);
      continue;
    }
    if (!c.force && c.own) {
      logs.push({
        ...base,
        outcome: "skipped_echo",
        message: "change made by RevBridge's own Stripe request",
      });
      continue;
    }
    if (!c.force && m && isStale(c.created * 1000, m.stripeUpdatedAt, "s")) {
      logs.push({
        ...base,
        outcome: "skipped_stale",
        message: `event of ${new Date(c.created * 1000).toISOString()} is older than the state synced`,
      });
      continue;
    }
    if (!c.force && m && m.status === "customer_deleted") {
      logs.push({ ...base, outcome: "skipped_unchanged", message: "mapping is customer_deleted" });
      continue;
    }
    out.push({
      customerId: c.customerId,
      created: c.created,
      force: c.force,
      foreign: c.foreign,
      webhookEventId: c.webhookEventId,
    });
  }
  await logSync(logs);
  return out;
}

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
  webhookEventId?: string;
}

/** Re-reads the candidate customers (the webhook body is a hint) and decides what HubSpot needs. */
export async function readAndDecideCustomers(candidates: TCustomerCandidate[]): Promise<THubspotWrite[]> {
  if (candidates.length === 0) return [];
  const mapping = await readMapping();
  const logs: TSyncLogEntry[] = [];
  const customers = await Promise.all(
    candidates.map(
      (c) =>
        stripeCall((s) => s.customers.retrieve(c.customerId)) as Promise<
          Stripe.Customer | Stripe.DeletedCustomer
        >,
    ),
  );
  const ids = candidates.map((c) => c.customerId);
  const [maps, recent] = await Promise.all([
    db().contactCustomerMap.findMany({ where: { stripeCustomerId: { in: ids } } }),
    recentWrites("STRIPE", ids),
  ]);
  const mapBy = new Map(maps.map((m) => [m.stripeCustomerId, m]));
  const lastHub = await lastWrittenHash(
    "HUBSPOT",
    maps.map((m) => m.hubspotContactId),
  );
  const writes: THubspotWrite[] = [];
  candidates.forEach((cand, i) => {
    const customer = customers[i]!;
    const m = mapBy.get(cand.customerId);
    const base = {
      direction: DIRECTION,
      sourceSystem: "STRIPE" as const,
      sourceId: cand.customerId,
      targetSystem: "HUBSPOT" as const,
      targetId: m?.hubspotContactId,
      webhookEventId: cand.webhookEventId,
    };
    if ("deleted" in customer && customer.deleted) {
      logs.push({ ...base, outcome: "skipped_unchanged", message: "customer no longer exists in Stripe" });
      return;
    }
    const c = customer;
    const values = fromStripe(c as never, mapping);
    const verdict = verdictWithProvenance(
      verdictFor(values, recent.get(cand.customerId)),
      cand.foreign ?? false,
    );
    if (!cand.force && verdict === "echo") {
      logs.push({
        ...base,
        outcome: "skipped_echo",
        message: "customer matches RevBridge's last write to it",
      });
      return;
    }
    const linked = c.metadata?.hubspot_contact_id || undefined;
    const contactId = m?.hubspotContactId ?? linked;
    const keys = writableKeys(mapping, DIRECTION, !contactId);
    const last = contactId ? lastHub.get(contactId) : undefined;
    if (
      !cand.force &&
      last &&
      ledgerDescribesTarget(last.writtenAt, m?.lastSyncToStripeAt ?? null) &&
      last.fields.join() === [...keys].sort().join() &&
      last.fieldHash === fieldHash(values, keys)
    ) {
      logs.push({ ...base, outcome: "skipped_unchanged", message: "HubSpot already holds these values" });
      return;
    }
    if (!contactId && !values.email) {
      logs.push({
        ...base,
        outcome: "skipped_unchanged",
        message: "customer has no email: no HubSpot contact to upsert by",
      });
      return;
    }
    writes.push({
      customerId: cand.customerId,
      contactId,
      email: values.email ?? null,
      values,
      keys,
      properties: toHubspotProperties(values, keys, mapping),
      created: cand.created,
      needsLink: linked !== contactId || !linked,
      nearMiss: verdict === "near_miss",
      webhookEventId: cand.webhookEventId,
    });
  });
  await logSync(logs);
  return writes;
}

function toInput(w: THubspotWrite): TContactWrite {
  return { traceId: w.customerId, contactId: w.contactId, email: w.email, properties: w.properties };
}

/** Records a successful contact write: mapping, ledger and SyncLog in one transaction. */
async function commitHubspotWrite(w: THubspotWrite, contactId: string, created: boolean): Promise<void> {
  const now = new Date();
  await db().$transaction(async (tx) => {
    const existing = await tx.contactCustomerMap.findUnique({ where: { stripeCustomerId: w.customerId } });
    let note = "";
    await tx.$executeRaw`SAVEPOINT map_insert`;
    try {
      if (existing) {
        await tx.contactCustomerMap.update({
          where: { id: existing.id },
          data: {
            hubspotContactId: contactId,
            stripeUpdatedAt: later(existing.stripeUpdatedAt, new Date(w.created * 1000)),
            lastSyncToHubspotAt: now,
            status: "ok",
            lastError: null,
            email: w.email,
          },
        });
      } else {
        await tx.contactCustomerMap.create({
          data: {
            hubspotContactId: contactId,
            stripeCustomerId: w.customerId,
            email: w.email,
            stripeUpdatedAt: new Date(w.created * 1000),
            lastSyncToHubspotAt: now,
          },
        });
      }
    } catch (error) {
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
      await tx.$executeRaw`ROLLBACK TO SAVEPOINT map_insert`;
      note = ` (contact ${contactId} is already paired with another customer: not remapped)`;
    }
    await recordWrites([{ system: "HUBSPOT", objectId: contactId, values: w.values, keys: w.keys }], tx);
    await logSync(
      [
        {
          direction: DIRECTION,
          outcome: "applied",
          sourceSystem: "STRIPE",
          sourceId: w.customerId,
          targetSystem: "HUBSPOT",
          targetId: contactId,
          statusCode: 200,
          lagMs: now.getTime() - w.created * 1000,
          message: `${w.nearMiss ? "near-miss echo: " : ""}${created ? "created" : "updated"} contact: ${w.keys.join(", ")}${note}`,
          webhookEventId: w.webhookEventId,
        },
      ],
      tx,
    );
  });
}

/** One batch call (update by id + upsert by email); returns the customers HubSpot rejected, with why. */
export async function writeHubspotBatch(
  writes: THubspotWrite[],
): Promise<{ customerId: string; error: string }[]> {
  if (writes.length === 0) return [];
  await ensureMappedProperties([...new Set(writes.flatMap((w) => Object.keys(w.properties)))]);
  let res;
  try {
    res = await writeContacts(writes.map(toInput));
  } catch (error) {
    // The whole batch refused (a 4xx not tied to one input): fall back to one-by-one for every record.
    if (error instanceof ProviderRejectedError)
      return writes.map((w) => ({ customerId: w.customerId, error: error.message }));
    throw error;
  }
  for (const w of writes) {
    const ok = res.written.get(w.customerId);
    if (ok) await commitHubspotWrite(w, ok.contactId, ok.created);
  }
  return [...res.failed].map(([customerId, error]) => ({ customerId, error }));
}

/** The one-by-one retry of a record the batch rejected; throws ProviderRejectedError-like text via result. */
export async function writeHubspotOne(
  w: THubspotWrite,
): Promise<{ ok: true } | { ok: false; error: string }> {
  const res = await writeContacts([toInput(w)]);
  const ok = res.written.get(w.customerId);
  if (ok) {
    await commitHubspotWrite(w, ok.contactId, ok.created);
    return { ok: true };
  }
  return { ok: false, error: res.failed.get(w.customerId) ?? "rejected" };
}

/** Puts `hubspot_contact_id` on customers newly paired (our own request: its webhook is an echo). */
export async function linkStripeCustomers(customerIds: string[]): Promise<number> {
  const maps = await db().contactCustomerMap.findMany({ where: { stripeCustomerId: { in: customerIds } } });
  await Promise.all(
    maps.map((m) =>
      stripeCall((s) =>
        s.customers.update(
          m.stripeCustomerId,
          { metadata: { hubspot_contact_id: m.hubspotContactId } },
          { idempotencyKey: `${STRIPE_IDEMPOTENCY_PREFIX}link:${m.stripeCustomerId}:${m.hubspotContactId}` },
        ),
      ),
    ),
  );
  return maps.length;
}

export async function markHubspotWriteFailed(
  w: THubspotWrite,
  error: string,
  statusCode?: number,
): Promise<void> {
  await db().contactCustomerMap.updateMany({
    where: { stripeCustomerId: w.customerId },
    data: { status: "error", lastError: error.slice(0, 500) },
  });
  await logSync([
    {
      direction: DIRECTION,
      outcome: "dead_lettered",
      sourceSystem: "STRIPE",
      sourceId: w.customerId,
      targetSystem: "HUBSPOT",
      targetId: w.contactId,
      statusCode,
      message: error,
      webhookEventId: w.webhookEventId,
    },
  ]);
}

/** onFailure companion: a change that exhausted its retries leaves the pair marked `error`. */
export async function markCustomerSyncError(customerId: string, error: string): Promise<void> {
  await db().contactCustomerMap.updateMany({
    where: { stripeCustomerId: customerId },
    data: { status: "error", lastError: error.slice(0, 500) },
  });
}
