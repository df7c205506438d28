import "server-only";
import { db, Prisma } from "@/lib/db";
import { ensureMappedProperties, writeContacts, type TContactWrite } from "@/lib/connectors/hubspot/contacts";
import { ProviderRejectedError } from "@/lib/connectors/errors";
import { stripeCall } from "@/lib/connectors/stripe/client";
import { STRIPE_IDEMPOTENCY_PREFIX } from "@/lib/sync/echo";
import { recordWrites } from "@/lib/sync/ledger";
import {
  claimObservations,
  followUpNewestMany,
  markClocksWritten,
  type TPairIds,
} from "@/lib/sync/newest-clock";
import { markPairError, markWriteDeadLettered } from "@/lib/sync/pair-status";
import { later } from "@/lib/sync/staleness";
import type { THubspotWrite } from "@/lib/sync/stripe-to-hubspot/decide";
import { logSync, pairEntry, type TSyncLogEntry } from "@/lib/sync/sync-log";
import { claimSourceStates, resyncIfOvertakenMany } from "@/lib/sync/write-order";

/**
 * Stripe → HubSpot, last steps: one HubSpot batch update/upsert (≤ 100), the records a 207 rejected
 * one by one (the caller's retry step), then `hubspot_contact_id` on newly paired customers. The
 * successes of a batch record mapping, write ledger and SyncLog in one transaction.
 */

const DIRECTION = "stripe_to_hubspot" as const;

function toInput(w: THubspotWrite): TContactWrite {
  return { traceId: w.customerId, contactId: w.contactId, email: w.email, properties: w.properties };
}

interface TWritten {
  w: THubspotWrite;
  contactId: string;
  created: boolean;
}

/**
 * A batch commit holds one connection for all its records: one transaction per record waited for a
 * pooled connection per statement, and behind a burst of H → S writes sharing the pool a batch of
 * ten took tens of seconds to record (and failed "Unable to start a transaction" after 2 s).
 */
const COMMIT_TX = { maxWait: 15_000, timeout: 60_000 };

type TMap = Awaited<ReturnType<Prisma.TransactionClient["contactCustomerMap"]["findMany"]>>[number];

/**
 * Records one pair's mapping (inside the batch's transaction); returns the pair's id and a note. The
 * ledger, SyncLog and clock statements of the batch are made once for all records (commitHubspotWrites):
 * under a burst every round trip inside the transaction waits on a busy event loop.
 */
async function commitPair(
  tx: Prisma.TransactionClient,
  { w, contactId }: TWritten,
  existing: TMap | undefined,
  writtenAt: Date,
): Promise<{ pairId?: string; note: string }> {
  let note = "";
  let pairId = existing?.id;
  await tx.$executeRaw`SAVEPOINT map_insert`;
  try {
    if (existing) {
      await tx.contactCustomerMap.update({
        where: { id: existing.id },
        data: {
          hubspotContactId: contactId,
          stripeUpdatedAt: later(existing.stripeUpdatedAt, new Date(w.created * 1000)),
          lastSyncToHubspotAt: writtenAt,
          status: "ok",
          lastError: null,
          email: w.email,
        },
      });
    } else {
      const pair = await tx.contactCustomerMap.create({
        data: {
          hubspotContactId: contactId,
          stripeCustomerId: w.customerId,
          email: w.email,
          stripeUpdatedAt: new Date(w.created * 1000),
          lastSyncToHubspotAt: writtenAt,
        },
      });
      pairId = pair.id;
      // A new pair's clocks start from the customer's edits, written now.
      await claimObservations(pair.id, w.observations ?? [], tx);
    }
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    await tx.$executeRaw`ROLLBACK TO SAVEPOINT map_insert`;
    note = ` (contact ${contactId} is already paired with another customer: not remapped)`;
    pairId = existing?.id;
  }
  return { pairId, note };
}

/** Records successful contact writes: mapping, ledger and SyncLog, in one transaction per batch. */
async function commitHubspotWrites(written: TWritten[], writtenAt: Date): Promise<void> {
  if (written.length === 0) return;
  const pairs = await db().$transaction(async (tx) => {
    const out: { mapId: string; contactId: string; customerId: string; w: THubspotWrite }[] = [];
    const existing = await tx.contactCustomerMap.findMany({
      where: { stripeCustomerId: { in: written.map((x) => x.w.customerId) } },
    });
    const existingBy = new Map(existing.map((m) => [m.stripeCustomerId, m]));
    const logs: TSyncLogEntry[] = [];
    for (const one of written) {
      const { w, contactId, created } = one;
      const { pairId, note } = await commitPair(tx, one, existingBy.get(w.customerId), writtenAt);
      if (pairId) out.push({ mapId: pairId, contactId, customerId: w.customerId, w });
      logs.push({
        ...pairEntry(DIRECTION, w.customerId, contactId, w.webhookEventId),
        outcome: "applied",
        statusCode: 200,
        // Lag to the moment HubSpot answered the write (it holds the values from then on).
        lagMs: writtenAt.getTime() - w.created * 1000,
        message: `${w.nearMiss ? "near-miss echo: " : ""}${created ? "created" : "updated"} contact: ${w.keys.join(", ")}${note}`,
      });
    }
    await markClocksWritten(
      tx,
      "STRIPE",
      out.map((p) => ({ mapId: p.mapId, written: p.w.newest })),
    );
    await recordWrites(
      written.map((x) => ({ system: "HUBSPOT", objectId: x.contactId, values: x.w.values, keys: x.w.keys })),
      tx,
    );
    await logSync(logs, tx);
    return out;
  }, COMMIT_TX);
  await resyncIfOvertakenMany(
    DIRECTION,
    pairs.map(({ w, ...pair }) => ({ pair, stateAtMs: w.created * 1000 })),
  );
  // One read of every pair's clocks, not a round trip per pair (each waits for a busy loop in a burst).
  await followUpNewestMany(
    DIRECTION,
    pairs.map(({ w, ...pair }) => ({ pair, written: w.newest })),
  );
}

/**
 * Per-pair order (lib/sync/write-order.ts): each write claims its customer state by the event's
 * `created`; a write whose state is older than one already claimed is dropped from the batch.
 */
async function claimStates(writes: THubspotWrite[]): Promise<THubspotWrite[]> {
  const maps = await db().contactCustomerMap.findMany({
    where: { stripeCustomerId: { in: writes.map((w) => w.customerId) } },
  });
  const mapBy = new Map(maps.map((m) => [m.stripeCustomerId, m]));
  // One statement for the batch (customers are distinct within a batch: the triage folds them).
  const claimed = await claimSourceStates(
    DIRECTION,
    writes.flatMap((w) => {
      const m = mapBy.get(w.customerId);
      return m ? [{ mapId: m.id, stateAtMs: w.created * 1000 }] : [];
    }),
  );
  const kept: THubspotWrite[] = [];
  const stale: TSyncLogEntry[] = [];
  const overtaken: { pair: TPairIds; written: Record<string, string | null> }[] = [];
  for (const w of writes) {
    const m = mapBy.get(w.customerId);
    if (!m || claimed.has(m.id)) {
      kept.push(w);
      continue;
    }
    // The newer run may have been planned before a `newest` edit was claimed: nothing owed is left behind.
    overtaken.push({
      pair: { mapId: m.id, contactId: m.hubspotContactId, customerId: m.stripeCustomerId },
      written: {},
    });
    stale.push({
      ...pairEntry(DIRECTION, w.customerId, m.hubspotContactId, w.webhookEventId),
      outcome: "skipped_stale",
      message: "a newer state of the customer is being written by another run",
    });
  }
  await followUpNewestMany(DIRECTION, overtaken);
  await logSync(stale);
  return kept;
}

/** One batch call (update by id + upsert by email); returns the customers HubSpot rejected, with why. */
export async function writeHubspotBatch(
  writes: THubspotWrite[],
): Promise<{ customerId: string; error: string }[]> {
  if (writes.length === 0) return [];
  writes = await claimStates(writes);
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
  const writtenAt = new Date();
  const written = writes.flatMap((w) => {
    const ok = res.written.get(w.customerId);
    return ok ? [{ w, contactId: ok.contactId, created: ok.created }] : [];
  });
  await commitHubspotWrites(written, writtenAt);
  return [...res.failed].map(([customerId, error]) => ({ customerId, error }));
}

/** The one-by-one retry of a record the batch rejected; a rejection comes back as the result. */
export async function writeHubspotOne(
  w: THubspotWrite,
): Promise<{ ok: true } | { ok: false; error: string }> {
  const res = await writeContacts([toInput(w)]);
  const writtenAt = new Date();
  const ok = res.written.get(w.customerId);
  if (ok) {
    await commitHubspotWrites([{ w, contactId: ok.contactId, created: ok.created }], writtenAt);
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
  await markWriteDeadLettered(
    DIRECTION,
    { sourceId: w.customerId, targetId: w.contactId, webhookEventId: w.webhookEventId },
    error,
    statusCode,
  );
}

/** onFailure companion: a change that exhausted its retries leaves the pair marked `error`. */
export async function markCustomerSyncError(customerId: string, error: string): Promise<void> {
  await markPairError({ stripeCustomerId: customerId }, error);
}
