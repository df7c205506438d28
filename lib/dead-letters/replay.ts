import "server-only";
import { inngest } from "@/inngest/client";
import { recordAudit } from "@/lib/audit";
import { db, type Prisma } from "@/lib/db";
import { deadLetterWhere, type TDeadLetterFilter } from "@/lib/dead-letters/filter";
import { AppError } from "@/lib/errors";
import type { Provider } from "@/lib/generated/prisma/enums";
import { log } from "@/lib/logger";

export interface TReplayEvent {
  id: string;
  name: string;
  data: Record<string, unknown>;
}

/** How events leave the process: the app's Inngest client unless a caller passes another sender. */
export type TSendReplay = (events: TReplayEvent[]) => Promise<unknown>;

const sendWithInngest: TSendReplay = (events) => inngest.send(events);

/**
 * The Inngest event id of the n-th replay of a dead letter. Deterministic, so if the database commit
 * fails after the send and the operator presses again, Inngest drops the repeat (24 h dedupe window).
 */
export function replayEventId(deadLetterId: string, replayNumber: number): string {
  return `replay:${deadLetterId}:${replayNumber}`;
}

const PROVIDERS = new Set<string>(["HUBSPOT", "STRIPE", "WECHAT", "OPENAPPLY"]);

/** `HUBSPOT:contact:101` → the source columns of SyncLog, so the replay shows in that record's history. */
export function subjectToSource(subject: string | null): {
  sourceSystem: Provider | null;
  sourceId: string | null;
} {
  if (!subject) return { sourceSystem: null, sourceId: null };
  const parts = subject.split(":");
  const system = parts[0] ?? "";
  if (!PROVIDERS.has(system) || parts.length < 2) return { sourceSystem: null, sourceId: subject };
  return { sourceSystem: system as Provider, sourceId: parts[parts.length - 1] ?? null };
}

/** SyncLog's direction for a function id, so replays count under the right flow on the Sync page. */
export function directionOf(functionId: string): string {
  if (/purchase/.test(functionId)) return "purchase";
  if (/to-stripe|hubspot-to-stripe/.test(functionId)) return "hubspot_to_stripe";
  if (/to-hubspot|stripe-to-hubspot/.test(functionId)) return "stripe_to_hubspot";
  if (/identity|code/.test(functionId)) return "identity";
  if (/outbox|lifecycle/.test(functionId)) return "outbox";
  if (/import/.test(functionId)) return "import";
  return "other";
}

interface TClaimed {
  id: string;
  functionId: string;
  eventName: string;
  payload: Prisma.JsonValue;
  subject: string | null;
  replayCount: number;
}

type Tx = Prisma.TransactionClient;

/**
 * The send happens inside the transaction that holds the claimed rows' locks: a concurrent replay of
 * the same row waits on the lock, then finds the replayCount (or status) changed and claims nothing —
 * so a double click sends once. A failed send rolls the claim back and nothing is recorded.
 */
async function sendAndRecord(tx: Tx, claimed: TClaimed[], actorId: string, send: TSendReplay): Promise<void> {
  await send(
    claimed.map((c) => ({
      id: replayEventId(c.id, c.replayCount),
      name: c.eventName,
      data: (c.payload ?? {}) as Record<string, unknown>,
    })),
  );
  await tx.syncLog.createMany({
    data: claimed.map((c) => ({
      direction: directionOf(c.functionId),
      outcome: "replayed",
      ...subjectToSource(c.subject),
      message: `dead letter ${c.id} replayed (#${c.replayCount}) as ${c.eventName}`,
    })),
  });
}

const TX_OPTIONS = { timeout: 30_000, maxWait: 10_000 } as const;

/**
 * Sends a dead letter's triggering event again. `expectedReplayCount` is the count the operator saw:
 * a second press with the same count (double click, two tabs) is refused with 409 instead of sending twice.
 */
export async function replayDeadLetter(
  id: string,
  actorId: string,
  opts: { expectedReplayCount?: number; send?: TSendReplay } = {},
): Promise<{ id: string; replayCount: number; eventId: string }> {
  const send = opts.send ?? sendWithInngest;
  const current = await db().deadLetter.findUnique({
    where: { id },
    select: { replayCount: true, status: true },
  });
  if (!current) throw new AppError("not_found", "No dead letter with that id; it may have been removed.");
  if (current.status === "discarded") {
    throw new AppError("conflict", "This dead letter was discarded; it cannot be replayed.");
  }
  const expected = opts.expectedReplayCount ?? current.replayCount;
  return db().$transaction(async (tx) => {
    const claimed = await tx.$queryRaw<TClaimed[]>`
      UPDATE "DeadLetter"
         SET "replayCount" = "replayCount" + 1, status = 'replayed',
             "lastReplayedAt" = now(), "lastReplayedById" = ${actorId}
       WHERE id = ${id} AND "replayCount" = ${expected} AND status <> 'discarded'
      RETURNING id, "functionId", "eventName", payload, subject, "replayCount"`;
    const row = claimed[0];
    if (!row) {
      throw new AppError(
        "conflict",
        "Someone replayed this dead letter a moment ago (or it changed); refresh to see its state.",
      );
    }
    await sendAndRecord(tx, [row], actorId, send);
    const eventId = replayEventId(row.id, row.replayCount);
    await recordAudit(
      {
        actorId,
        action: "dead_letter.replay",
        target: `DeadLetter:${row.id}`,
        details: { eventName: row.eventName, replayCount: row.replayCount, eventId },
      },
      tx,
    );
    log.info("dead_letter.replayed", { deadLetterId: row.id, eventId, actorId });
    return { id: row.id, replayCount: row.replayCount, eventId };
  }, TX_OPTIONS);
}

/** Most rows "Replay all" sends in one press; the page says when more remain. */
export const REPLAY_ALL_LIMIT = 500;

/**
 * Replays every OPEN dead letter matching the filter (at most REPLAY_ALL_LIMIT), in one send and one
 * transaction. Two concurrent presses: the second waits on the row locks, then finds them no longer
 * open and replays nothing.
 */
export async function replayAllDeadLetters(
  filter: TDeadLetterFilter,
  actorId: string,
  opts: { send?: TSendReplay } = {},
): Promise<{ replayed: number; remaining: number }> {
  const send = opts.send ?? sendWithInngest;
  const where = { AND: [deadLetterWhere(filter), { status: "open" }] };
  const candidates = await db().deadLetter.findMany({
    where,
    select: { id: true },
    orderBy: { createdAt: "asc" },
    take: REPLAY_ALL_LIMIT,
  });
  if (candidates.length === 0) return { replayed: 0, remaining: 0 };
  const ids = candidates.map((c) => c.id);
  const replayed = await db().$transaction(async (tx) => {
    const claimed = await tx.$queryRaw<TClaimed[]>`
      UPDATE "DeadLetter"
         SET "replayCount" = "replayCount" + 1, status = 'replayed',
             "lastReplayedAt" = now(), "lastReplayedById" = ${actorId}
       WHERE id = ANY(${ids}::text[]) AND status = 'open'
      RETURNING id, "functionId", "eventName", payload, subject, "replayCount"`;
    if (claimed.length === 0) return 0;
    await sendAndRecord(tx, claimed, actorId, send);
    await recordAudit(
      {
        actorId,
        action: "dead_letter.replay_all",
        target: "DeadLetter",
        // Every id (≤ REPLAY_ALL_LIMIT), so each row's inspect panel can show this batch replay.
        details: { filter: { ...filter }, count: claimed.length, ids: claimed.map((c) => c.id) },
      },
      tx,
    );
    return claimed.length;
  }, TX_OPTIONS);
  const remaining = await db().deadLetter.count({ where });
  log.info("dead_letter.replayed_all", { count: replayed, remaining, actorId });
  return { replayed, remaining };
}

/** Marks a dead letter as not worth replaying (kept for the record). Audited. */
export async function discardDeadLetter(id: string, actorId: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const updated = await tx.deadLetter.updateMany({
      where: { id, status: { not: "discarded" } },
      data: { status: "discarded" },
    });
    if (updated.count === 0) {
      const exists = await tx.deadLetter.count({ where: { id } });
      throw exists
        ? new AppError("conflict", "This dead letter is already discarded.")
        : new AppError("not_found", "No dead letter with that id; it may have been removed.");
    }
    await recordAudit({ actorId, action: "dead_letter.discard", target: `DeadLetter:${id}` }, tx);
  });
}
