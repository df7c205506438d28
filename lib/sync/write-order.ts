import "server-only";
import { db } from "@/lib/db";
import { sendForcedSync } from "@/lib/sync/forced-sync";
import type { TPairDirection } from "@/lib/sync/sync-log";

/**
 * Per-pair ordering of writes, in both directions. Several runs write in parallel (24 H → S, 4 S → H),
 * and two of them may hold two states of one record (each read before the other's write): without
 * this, the older state could reach the target last and stay there (the echo bench saw it). A run
 * claims the source's state on the pair before writing — by the provider's time of that state, HubSpot
 * `lastmodifieddate` or Stripe event `created` — and a state older than the one claimed is stale and
 * not written; after its write, a run overtaken by a newer claim asks for a forced re-sync, so the
 * newest state is written last.
 */

export interface TPairRef {
  mapId: string;
  contactId: string;
  customerId: string;
}

/** Moves the pair's synced source time to this state unless a newer one is already claimed. */
export async function claimSourceState(
  direction: TPairDirection,
  mapId: string,
  stateAtMs: number,
): Promise<boolean> {
  const at = new Date(stateAtMs);
  const claimed =
    direction === "hubspot_to_stripe"
      ? await db().contactCustomerMap.updateMany({
          where: { id: mapId, OR: [{ hubspotUpdatedAt: null }, { hubspotUpdatedAt: { lte: at } }] },
          data: { hubspotUpdatedAt: at },
        })
      : await db().contactCustomerMap.updateMany({
          where: { id: mapId, OR: [{ stripeUpdatedAt: null }, { stripeUpdatedAt: { lte: at } }] },
          data: { stripeUpdatedAt: at },
        });
  return claimed.count === 1;
}

/** After a write: when a newer state of the source was claimed meanwhile, re-sync the pair (forced). */
export async function resyncIfOvertaken(
  direction: TPairDirection,
  pair: TPairRef,
  stateAtMs: number,
): Promise<boolean> {
  const m = await db().contactCustomerMap.findUnique({
    where: { id: pair.mapId },
    select: { hubspotUpdatedAt: true, stripeUpdatedAt: true },
  });
  const claimed = direction === "hubspot_to_stripe" ? m?.hubspotUpdatedAt : m?.stripeUpdatedAt;
  const newer = claimed?.getTime() ?? 0;
  if (newer <= stateAtMs) return false;
  await sendForcedSync(direction, pair, `overtaken:${newer}`, newer);
  return true;
}
