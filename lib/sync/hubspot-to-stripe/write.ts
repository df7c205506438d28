import "server-only";
import type Stripe from "stripe";
import { db } from "@/lib/db";
import { stripeCall } from "@/lib/connectors/stripe/client";
import type { TStripeWrite } from "@/lib/sync/hubspot-to-stripe/decide";
import { toStripeParams, writableKeys } from "@/lib/sync/mapping";
import { readMapping } from "@/lib/sync/mapping-settings";
import { commitStripeWrites, type TWritten } from "@/lib/sync/hubspot-to-stripe/commit";
import { followUpNewestMany } from "@/lib/sync/newest-clock";
import { markWriteDeadLettered } from "@/lib/sync/pair-status";
import { logSync, pairEntry } from "@/lib/sync/sync-log";
import { claimSourceStates, resyncIfOvertakenMany } from "@/lib/sync/write-order";

/**
 * HubSpot → Stripe, last step: creates or updates the Stripe customers of a step's writes (in
 * parallel, each under the governor, with an Idempotency-Key derived from the change), then records
 * mappings, write ledger and SyncLog for all of them in one transaction (commit.ts).
 */

const DIRECTION = "hubspot_to_stripe" as const;

export interface TWriteOutcome {
  customerId: string;
  created: boolean;
}

/** Runs one record's Stripe work; decides on failure (see lib/sync/step-errors.ts settleRecord). */
export type TSettle = (w: TStripeWrite, work: () => Promise<TWritten>) => Promise<TWritten | "dead_lettered">;

const pairIds = (m: { id: string; hubspotContactId: string; stripeCustomerId: string }) => ({
  mapId: m.id,
  contactId: m.hubspotContactId,
  customerId: m.stripeCustomerId,
});

type TPair = { id: string; hubspotContactId: string; stripeCustomerId: string };

/** One contact's Stripe call(s): look the customer up by email when asked, then create or update it. */
async function writeCustomer(w: TStripeWrite, current: TPair | undefined, keys: string[]): Promise<TWritten> {
  const mapping = await readMapping();
  let customerId = current?.stripeCustomerId ?? w.customerId;
  if (!customerId && w.lookUpByEmail && w.values.email) {
    const found = await stripeCall((s) => s.customers.list({ email: w.values.email!, limit: 1 }));
    customerId = found.data[0]?.id;
  }
  const params = toStripeParams(w.values, keys, mapping) as Stripe.CustomerUpdateParams;
  params.metadata = { hubspot_contact_id: w.contactId };
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
  return { w, customerId: customer.id, keys, created: !customerId };
}

/**
 * Commits the step's writes in one transaction; when that fails, each alone under `settle`, so one
 * record's conflict (say, its customer already paired with another contact) holds back only itself:
 * retried with the step, then dead-lettered alone, as when every record had its own transaction.
 */
async function commitTogetherOrAlone(
  written: TWritten[],
  settle: TSettle,
): Promise<{ committed: { x: TWritten; mapId: string }[]; failed?: PromiseRejectedResult }> {
  try {
    const ids = await commitStripeWrites(written);
    return { committed: written.map((x, i) => ({ x, mapId: ids[i]! })) };
  } catch (error) {
    if (written.length <= 1) throw error;
  }
  const alone = await Promise.allSettled(
    written.map(async (x) => {
      let mapId = "";
      const outcome = await settle(x.w, async () => {
        mapId = (await commitStripeWrites([x]))[0]!;
        return x;
      });
      return outcome === "dead_lettered" ? [] : [{ x, mapId }];
    }),
  );
  return {
    committed: alone.flatMap((r) => (r.status === "fulfilled" ? r.value : [])),
    failed: alone.find((r) => r.status === "rejected"),
  };
}

/**
 * Applies a step's writes. Records whose Stripe call failed for good are dead-lettered by `settle`;
 * the rest are committed together, and only then is a retryable failure rethrown (the step retries;
 * the records already written repeat with the same Idempotency-Key and commit again idempotently).
 * Returns one outcome per write, in order.
 */
export async function applyStripeWrites(
  ws: TStripeWrite[],
  settle: TSettle,
): Promise<(TWriteOutcome | "dead_lettered")[]> {
  if (ws.length === 0) return [];
  const mapping = await readMapping();
  // Re-read: a twin run may have mapped these contacts since the plan was made.
  const pairs = await db().contactCustomerMap.findMany({
    where: { hubspotContactId: { in: ws.map((w) => w.contactId) } },
  });
  const currentBy = new Map(pairs.map((m) => [m.hubspotContactId, m]));
  const claimed = await claimSourceStates(
    DIRECTION,
    ws.flatMap((w) => {
      const m = currentBy.get(w.contactId);
      return m ? [{ mapId: m.id, stateAtMs: w.contactUpdatedAtMs }] : [];
    }),
  );
  const overtaken = ws.filter((w) => {
    const m = currentBy.get(w.contactId);
    return m !== undefined && !claimed.has(m.id);
  });
  if (overtaken.length) {
    // The newer run may have been planned before a `newest` edit was claimed: nothing owed is left behind.
    await followUpNewestMany(
      DIRECTION,
      overtaken.map((w) => ({ pair: pairIds(currentBy.get(w.contactId)!), written: {} })),
    );
    await logSync(
      overtaken.map((w) => ({
        ...pairEntry(DIRECTION, w.contactId, currentBy.get(w.contactId)!.stripeCustomerId, w.webhookEventId),
        outcome: "skipped_stale" as const,
        message: "a newer state of the contact is being written by another run",
      })),
    );
  }
  const settled = await Promise.allSettled(
    ws.map((w) => {
      const current = currentBy.get(w.contactId);
      if (current && !claimed.has(current.id)) return Promise.resolve(null);
      const keys = current && !w.customerId ? writableKeys(mapping, DIRECTION, false) : w.keys;
      return settle(w, () => writeCustomer(w, current, keys));
    }),
  );
  const written = settled.flatMap((r) =>
    r.status === "fulfilled" && r.value && r.value !== "dead_lettered" ? [r.value] : [],
  );
  const { committed, failed: commitFailed } = await commitTogetherOrAlone(written, settle);
  const done = committed.map(({ x, mapId }) => ({
    x,
    pair: { mapId, contactId: x.w.contactId, customerId: x.customerId },
  }));
  await resyncIfOvertakenMany(
    DIRECTION,
    done
      .filter((d) => currentBy.has(d.x.w.contactId))
      .map((d) => ({ pair: d.pair, stateAtMs: d.x.w.contactUpdatedAtMs })),
  );
  await followUpNewestMany(
    DIRECTION,
    done.map((d) => ({ pair: d.pair, written: d.x.w.newest })),
  );
  // Only now, with every record that got through recorded and followed up, may the step fail.
  const failed = settled.find((r) => r.status === "rejected") ?? commitFailed;
  if (failed) throw failed.reason;
  const recorded = new Set(committed.map((c) => c.x));
  return settled.map((r, i) => {
    const v = (r as PromiseFulfilledResult<TWritten | "dead_lettered" | null>).value;
    // Written to Stripe but dead-lettered at its commit (commitTogetherOrAlone).
    if (v === "dead_lettered" || (v !== null && !recorded.has(v))) return "dead_lettered";
    if (v === null) return { customerId: currentBy.get(ws[i]!.contactId)!.stripeCustomerId, created: false };
    return { customerId: v.customerId, created: v.created };
  });
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
