import "server-only";
import { db } from "@/lib/db";
import type { Provider } from "@/lib/generated/prisma/enums";
import { echoVerdict, fieldHash, type TEchoVerdict, type TLedgerEntry } from "@/lib/sync/echo";
import type { TCanonical } from "@/lib/sync/mapping";

/** How long a write of ours is expected to come back as a webhook. */
export const ECHO_WINDOW_MS = 15 * 60 * 1000;

type Tx = Pick<ReturnType<typeof db>, "writeLedger">;

export interface TLedgerWrite {
  system: Provider;
  objectId: string;
  values: TCanonical;
  keys: string[];
}

/** Remembers writes (hash of the canonical values of the fields written), in the caller's transaction. */
export async function recordWrites(writes: TLedgerWrite[], tx: Tx = db()): Promise<void> {
  if (writes.length === 0) return;
  await tx.writeLedger.createMany({
    data: writes.map((w) => ({
      system: w.system,
      objectId: w.objectId,
      fieldHash: fieldHash(w.values, w.keys),
      fields: [...w.keys].sort(),
    })),
  });
}

/** Recent writes per object (newest first, at most 5 each), for many objects in one query. */
export async function recentWrites(
  system: Provider,
  objectIds: string[],
): Promise<Map<string, TLedgerEntry[]>> {
  const out = new Map<string, TLedgerEntry[]>();
  if (objectIds.length === 0) return out;
  const rows = await db().writeLedger.findMany({
    where: { system, objectId: { in: objectIds }, writtenAt: { gte: new Date(Date.now() - ECHO_WINDOW_MS) } },
    orderBy: { writtenAt: "desc" },
    select: { objectId: true, fieldHash: true, fields: true, writtenAt: true, id: true },
  });
  for (const r of rows) {
    const list = out.get(r.objectId) ?? [];
    if (list.length < 5) list.push(r);
    out.set(r.objectId, list);
  }
  return out;
}

/** The newest hash we wrote for exactly these fields (what we believe the target holds), if any. */
export async function lastWrittenHash(
  system: Provider,
  objectIds: string[],
): Promise<Map<string, TLedgerEntry>> {
  const out = new Map<string, TLedgerEntry>();
  if (objectIds.length === 0) return out;
  const rows = await db().writeLedger.findMany({
    where: { system, objectId: { in: objectIds } },
    orderBy: { writtenAt: "desc" },
    distinct: ["objectId"],
    select: { objectId: true, fieldHash: true, fields: true, writtenAt: true },
  });
  for (const r of rows) out.set(r.objectId, r);
  return out;
}

export function verdictFor(current: TCanonical, recent: TLedgerEntry[] | undefined): TEchoVerdict {
  // Only writes of mapped fields can be judged against the mapped state (purchase writes are not).
  const comparable = (recent ?? []).filter((w) => w.fields.every((f) => f in current));
  return echoVerdict(current, comparable);
}
