import "server-only";
import { inngest } from "@/inngest/client";
import { hubspotContactChanged } from "@/inngest/events";
import { db } from "@/lib/db";

/**
 * Per-pair ordering of HubSpot → Stripe writes. Up to 24 runs write in parallel, and two of them may
 * hold two states of one contact (each read before the other's write): without this, the older state
 * could reach Stripe last and stay there (the echo bench saw it). A run claims the contact's state on
 * the pair before writing — an older state than the one claimed is stale and not written — and, after
 * its write, a run overtaken by a newer claim asks for a resync so the newest state is written last.
 */

/** Moves the pair's synced HubSpot time to this state unless a newer one is already claimed. */
export async function claimContactState(mappingId: string, contactUpdatedAtMs: number): Promise<boolean> {
  const at = new Date(contactUpdatedAtMs);
  const claimed = await db().contactCustomerMap.updateMany({
    where: { id: mappingId, OR: [{ hubspotUpdatedAt: null }, { hubspotUpdatedAt: { lte: at } }] },
    data: { hubspotUpdatedAt: at },
  });
  return claimed.count === 1;
}

/** After a write: when a newer state was claimed meanwhile, re-sync the contact (forced, deduplicated). */
export async function resyncIfOvertaken(contactId: string, contactUpdatedAtMs: number): Promise<boolean> {
  const m = await db().contactCustomerMap.findUnique({
    where: { hubspotContactId: contactId },
    select: { hubspotUpdatedAt: true },
  });
  const newer = m?.hubspotUpdatedAt?.getTime() ?? 0;
  if (newer <= contactUpdatedAtMs) return false;
  await inngest.send({
    id: `overtaken:${contactId}:${newer}`,
    name: hubspotContactChanged.name,
    data: { contactId, occurredAt: newer, subscriptionType: "revbridge.resync" },
  });
  return true;
}
