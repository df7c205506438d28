import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { deadLetterWhere, type TDeadLetterFilter } from "@/lib/dead-letters/filter";

export interface TDeadLetterRow {
  id: string;
  functionId: string;
  eventName: string;
  subject: string | null;
  error: string;
  attempts: number;
  status: string;
  replayCount: number;
  lastReplayedAt: string | null;
  createdAt: string;
}

export interface TDeadLetterList {
  rows: TDeadLetterRow[];
  /** How many match the filter (the page shows at most `limit`). */
  total: number;
  counts: { open: number; replayed: number; discarded: number };
  functionIds: string[];
}

const ERROR_PREVIEW = 300;

/** One page of dead letters, newest first, with totals per status for the filter tabs. */
export async function listDeadLetters(filter: TDeadLetterFilter, limit = 100): Promise<TDeadLetterList> {
  const where = deadLetterWhere(filter);
  const client = db();
  const [rows, total, byStatus, functions] = await Promise.all([
    client.deadLetter.findMany({
      where,
      orderBy: { createdAt: "desc" },
      take: Math.min(limit, 500),
      omit: { payload: true },
    }),
    client.deadLetter.count({ where }),
    client.deadLetter.groupBy({ by: ["status"], _count: { _all: true } }),
    client.deadLetter.findMany({ distinct: ["functionId"], select: { functionId: true } }),
  ]);
  const count = (s: string) => byStatus.find((r) => r.status === s)?._count._all ?? 0;
  return {
    rows: rows.map((r) => ({
      id: r.id,
      functionId: r.functionId,
      eventName: r.eventName,
      subject: r.subject,
      error: r.error.length > ERROR_PREVIEW ? `${r.error.slice(0, ERROR_PREVIEW)}…` : r.error,
      attempts: r.attempts,
      status: r.status,
      replayCount: r.replayCount,
      lastReplayedAt: r.lastReplayedAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
    })),
    total,
    counts: { open: count("open"), replayed: count("replayed"), discarded: count("discarded") },
    functionIds: functions.map((f) => f.functionId).sort(),
  };
}

export interface TDeadLetterDetail extends Omit<TDeadLetterRow, "error"> {
  error: string;
  payload: unknown;
  lastReplayedBy: string | null;
  /** Audit trail of this row: replays and discards, who and when. */
  history: { at: string; action: string; actor: string | null; details: unknown }[];
}

/** Everything about one dead letter for the inspect panel: full error, payload, audit trail. */
export async function getDeadLetter(id: string): Promise<TDeadLetterDetail> {
  const row = await db().deadLetter.findUnique({ where: { id } });
  if (!row) throw new AppError("not_found", "No dead letter with that id; it may have been removed.");
  const [audit, replayer] = await Promise.all([
    db().auditLog.findMany({
      where: {
        OR: [
          { target: `DeadLetter:${id}` },
          // "Replay all" audits once per press, listing the ids it replayed.
          { action: "dead_letter.replay_all", details: { path: ["ids"], array_contains: [id] } },
        ],
      },
      orderBy: { createdAt: "asc" },
      include: { actor: { select: { email: true } } },
    }),
    row.lastReplayedById
      ? db().user.findUnique({ where: { id: row.lastReplayedById }, select: { email: true } })
      : null,
  ]);
  return {
    id: row.id,
    functionId: row.functionId,
    eventName: row.eventName,
    subject: row.subject,
    error: row.error,
    attempts: row.attempts,
    status: row.status,
    replayCount: row.replayCount,
    lastReplayedAt: row.lastReplayedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    payload: row.payload,
    lastReplayedBy: replayer?.email ?? null,
    history: audit.map((a) => ({
      at: a.createdAt.toISOString(),
      action: a.action,
      actor: a.actor?.email ?? null,
      details: a.details,
    })),
  };
}
