import "server-only";
import { db, Prisma } from "@/lib/db";
import { sendForcedSync } from "@/lib/sync/forced-sync";
import type { TPairDirection } from "@/lib/sync/sync-log";

/**
 * Per-pair ordering of writes, in both directions. Several runs write in parallel (16 H → S, 4 S → H),
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
  return (await claimSourceStates(direction, [{ mapId, stateAtMs }])).has(mapId);
}

/**
 * claimSourceState for many pairs in one statement; returns the ids of the pairs claimed. A pair
 * named twice claims its newest state. Times are whole milliseconds (exact integer arithmetic: a
 * float round-trip could make an equal state look older than the one stored).
 */
export async function claimSourceStates(
  direction: TPairDirection,
  claims: { mapId: string; stateAtMs: number }[],
): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  const column = Prisma.raw(direction === "hubspot_to_stripe" ? `"hubspotUpdatedAt"` : `"stripeUpdatedAt"`);
  const rows = await db().$queryRaw<{ id: string }[]>`
    UPDATE "ContactCustomerMap" m
       SET ${column} = c.at, "updatedAt" = now() AT TIME ZONE 'UTC'
      FROM (SELECT id, (TIMESTAMP '1970-01-01' + max(ms) * INTERVAL '1 millisecond')::timestamp(3) AS at
              FROM unnest(${claims.map((c) => c.mapId)}::text[], ${claims.map((c) => Math.round(c.stateAtMs))}::bigint[]) AS u(id, ms)
             GROUP BY id) c
     WHERE m.id = c.id AND (m.${column} IS NULL OR m.${column} <= c.at)
    RETURNING m.id`;
  return new Set(rows.map((r) => r.id));
}

/** After a write: when a newer state of the source was claimed meanwhile, re-sync the pair (forced). */
export async function resyncIfOvertaken(
  direction: TPairDirection,
  pair: TPairRef,
  stateAtMs: number,
): Promise<boolean> {
  return (await resyncIfOvertakenMany(direction, [{ pair, stateAtMs }])).has(pair.mapId);
}

/** resyncIfOvertaken for many pairs with one read; returns the ids of the pairs re-synced. */
export async function resyncIfOvertakenMany(
  direction: TPairDirection,
  written: { pair: TPairRef; stateAtMs: number }[],
): Promise<Set<string>> {
  const resynced = new Set<string>();
  if (written.length === 0) return resynced;
  const rows = await db().contactCustomerMap.findMany({
    where: { id: { in: written.map((w) => w.pair.mapId) } },
    select: { id: true, hubspotUpdatedAt: true, stripeUpdatedAt: true },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const { pair, stateAtMs } of written) {
    const m = byId.get(pair.mapId);
    const claimed = direction === "hubspot_to_stripe" ? m?.hubspotUpdatedAt : m?.stripeUpdatedAt;
    const newer = claimed?.getTime() ?? 0;
    if (newer <= stateAtMs) continue;
    await sendForcedSync(direction, pair, `overtaken:${newer}`, newer);
    resynced.add(pair.mapId);
  }
  return resynced;
}
