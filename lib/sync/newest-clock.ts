import "server-only";
import { db, type Prisma } from "@/lib/db";
import { sendForcedSync } from "@/lib/sync/forced-sync";
import type { TClock, TObservation, TSide } from "@/lib/sync/newest-observe";
import type { TPairDirection } from "@/lib/sync/sync-log";
import type { TPairRef } from "@/lib/sync/write-order";

/**
 * Convergence of `newest`-owned fields (FieldClock). Two edits of one field on the two sides within
 * the sync latency used to cross: each direction copied its own side's value and both sides ended
 * different. The rule here:
 *
 * 1. **Claim.** An edit seen on a side (lib/sync/newest-observe.ts) becomes the pair's clock for the
 *    field only if it is newer, by the providers' timestamps, than the clock (compare-and-set in one
 *    statement): an older edit never replaces a newer one, whatever order the webhooks arrive in.
 * 2. **Write.** A run writes a `newest` field to its target only at the clock's value, and only when the
 *    clock's edit was made on its source and is still owed (or when forced); the commit marks it written.
 * 3. **Follow up.** After a write, the pair's clocks are read again: a field displaced meanwhile (the
 *    value written is no longer the newest) or still owed gets a forced re-sync of the same direction.
 * 4. **Repair the source.** A claimant checks its source after the claim: a stale write of the other
 *    direction may have landed there after the source was read; then the other direction is re-synced.
 *
 * Every write of an older value that a race lets through is followed by a write of the newest one, so
 * when edits stop both sides hold the newest edit.
 */

type Tx = Pick<Prisma.TransactionClient, "$executeRaw" | "fieldClock">;

/** Claims each observation that is newer than the pair's clock; returns the keys claimed. Seeds only start a clock. */
export async function claimObservations(
  mapId: string,
  obs: TObservation[],
  tx: Tx = db(),
): Promise<string[]> {
  const claimed: string[] = [];
  for (const o of [...obs].sort((a, b) => Number(Boolean(b.seed)) - Number(Boolean(a.seed)))) {
    const at = new Date(o.at);
    const n = o.seed
      ? await tx.$executeRaw`
          INSERT INTO "FieldClock" (id, "mapId", field, value, at, side, "writtenAt")
          VALUES (gen_random_uuid()::text, ${mapId}, ${o.key}, ${o.value}, ${at}, ${o.side}::"Provider", now())
          ON CONFLICT ("mapId", field) DO NOTHING`
      : await tx.$executeRaw`
          INSERT INTO "FieldClock" (id, "mapId", field, value, at, side, "writtenAt")
          VALUES (gen_random_uuid()::text, ${mapId}, ${o.key}, ${o.value}, ${at}, ${o.side}::"Provider", NULL)
          ON CONFLICT ("mapId", field) DO UPDATE
            SET value = EXCLUDED.value, at = EXCLUDED.at, side = EXCLUDED.side, "writtenAt" = NULL
            WHERE "FieldClock".at < EXCLUDED.at`;
    if (n > 0 && !o.seed) claimed.push(o.key);
  }
  return claimed;
}

/** Clocks of many pairs in one query: mapId → field → clock. */
export async function readClocks(mapIds: string[]): Promise<Map<string, Map<string, TClock>>> {
  const out = new Map<string, Map<string, TClock>>();
  if (mapIds.length === 0) return out;
  const rows = await db().fieldClock.findMany({ where: { mapId: { in: mapIds } } });
  for (const r of rows) {
    const m = out.get(r.mapId) ?? new Map<string, TClock>();
    m.set(r.field, {
      value: r.value,
      at: r.at.getTime(),
      side: r.side as TSide,
      writtenAt: r.writtenAt?.getTime() ?? null,
    });
    out.set(r.mapId, m);
  }
  return out;
}

/**
 * In the write's transaction: the fields written at the clock's value are no longer owed. One statement
 * for all pairs of a step (one per field and pair was ~4 round trips per contact, 40,000 at a burst).
 */
export async function markClocksWritten(
  tx: Tx,
  source: TSide,
  writes: { mapId: string; written: Record<string, string | null> }[],
): Promise<void> {
  const rows = writes.flatMap(({ mapId, written }) =>
    Object.entries(written).map(([field, value]) => ({ mapId, field, value })),
  );
  if (rows.length === 0) return;
  await tx.$executeRaw`
    UPDATE "FieldClock" c SET "writtenAt" = now()
      FROM unnest(${rows.map((r) => r.mapId)}::text[], ${rows.map((r) => r.field)}::text[],
                  ${rows.map((r) => r.value)}::text[]) AS u(map_id, field, value)
     WHERE c."mapId" = u.map_id AND c.field = u.field AND c.side = ${source}::"Provider"
       AND c."writtenAt" IS NULL AND c.value IS NOT DISTINCT FROM u.value`;
}

export type TPairIds = TPairRef;

/** A forced run of `direction` for the pair: it writes the clocks' values to that direction's target. */
export async function resyncPair(direction: TPairDirection, pair: TPairIds, reason: string): Promise<void> {
  // One event per cause and moment: a later displacement must not be deduplicated into an earlier repair.
  await sendForcedSync(direction, pair, `newest:${reason}:${Date.now()}`);
}

/**
 * After writes of `direction` (or writes skipped for a newer state), with one read of the pairs'
 * clocks: re-sync a pair when a field written is no longer the newest, or a newest edit of the source
 * is still owed to the target. Returns the ids of the pairs re-synced.
 */
export async function followUpNewestMany(
  direction: TPairDirection,
  items: { pair: TPairIds; written: Record<string, string | null> }[],
): Promise<Set<string>> {
  const source: TSide = direction === "hubspot_to_stripe" ? "HUBSPOT" : "STRIPE";
  const resynced = new Set<string>();
  if (items.length === 0) return resynced;
  const all = await readClocks(items.map((i) => i.pair.mapId));
  for (const { pair, written } of items) {
    const clocks = all.get(pair.mapId);
    if (!clocks) continue;
    const displaced = Object.entries(written).some(([k, v]) => clocks.has(k) && clocks.get(k)!.value !== v);
    const owed = [...clocks.values()].some((c) => c.side === source && c.writtenAt === null);
    if (!displaced && !owed) continue;
    await resyncPair(direction, pair, displaced ? "displaced" : "owed");
    resynced.add(pair.mapId);
  }
  return resynced;
}
