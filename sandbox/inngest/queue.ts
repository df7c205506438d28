import type pg from "pg";
import { json, type TQueryable } from "./db";

/**
 * The durable queue. Every piece of future work is a row: the next SDK call of a run ("call"), a step
 * to execute, and timers (sleep, waitForEvent / invoke timeouts, batch and debounce deadlines, cron ticks).
 * A row is leased by setting `lease_owner`; the unique `dedupe_key` only covers unleased rows, so at most
 * one pending copy of each piece of work exists while another copy may be in flight.
 */
export type TQueueKind = "call" | "sleep" | "wait-timeout" | "invoke-timeout" | "batch" | "debounce" | "cron";

export interface TQueueItem {
  id: string;
  kind: TQueueKind;
  run_id: string | null;
  step_id: string | null;
  attempt: number;
  payload: Record<string, unknown> | null;
  ckeys: string[];
  climits: number[];
  dedupe_key: string | null;
  /** Set when leased: the function (or timer kind) the item belongs to, for the fair share. */
  part?: string;
}

/** The discovery call (`stepId=step`) or a planned step (`stepId=<hash>`) of a run. */
export async function enqueueCall(
  tx: TQueryable,
  runId: string,
  stepId: string,
  runAtMs: number,
  attempt = 0,
): Promise<void> {
  const onConflict =
    attempt > 0
      ? "DO UPDATE SET attempt = GREATEST(queue.attempt, EXCLUDED.attempt), run_at = EXCLUDED.run_at"
      : "DO NOTHING";
  await tx.query(
    `INSERT INTO queue (kind, run_id, step_id, attempt, run_at, dedupe_key, ckeys, climits)
     SELECT 'call', r.id, $2, $3, $4, 'call:' || r.id || ':' || $2, r.ckeys, r.climits FROM runs r WHERE r.id = $1
     ON CONFLICT (dedupe_key) WHERE lease_owner IS NULL ${onConflict}`,
    [runId, stepId, attempt, new Date(runAtMs)],
  );
}

/** Discovery calls for many runs in one statement (new runs). */
export async function enqueueFirstCalls(
  tx: TQueryable,
  runs: Array<{ runId: string; runAtMs: number }>,
): Promise<void> {
  if (runs.length === 0) return;
  await tx.query(
    `INSERT INTO queue (kind, run_id, step_id, attempt, run_at, dedupe_key, ckeys, climits)
     SELECT 'call', r.id, 'step', 0, x.run_at, 'call:' || r.id || ':step', r.ckeys, r.climits
     FROM jsonb_to_recordset($1::jsonb) AS x(run_id text, run_at timestamptz) JOIN runs r ON r.id = x.run_id
     ON CONFLICT (dedupe_key) WHERE lease_owner IS NULL DO NOTHING`,
    [json(runs.map((r) => ({ run_id: r.runId, run_at: new Date(r.runAtMs).toISOString() })))],
  );
}

/** A timer; `reschedule` moves an existing pending timer with the same key (debounce). */
export async function enqueueTimer(
  tx: TQueryable,
  timer: {
    kind: TQueueKind;
    dedupeKey: string;
    runAtMs: number;
    runId?: string;
    stepId?: string;
    payload?: unknown;
  },
  reschedule = false,
): Promise<void> {
  await tx.query(
    `INSERT INTO queue (kind, run_id, step_id, run_at, dedupe_key, payload) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (dedupe_key) WHERE lease_owner IS NULL ${reschedule ? "DO UPDATE SET run_at = EXCLUDED.run_at, payload = EXCLUDED.payload" : "DO NOTHING"}`,
    [
      timer.kind,
      timer.runId ?? null,
      timer.stepId ?? null,
      new Date(timer.runAtMs),
      timer.dedupeKey,
      json(timer.payload ?? null),
    ],
  );
}

export async function hasQueued(tx: TQueryable, dedupeKey: string): Promise<boolean> {
  const res = await tx.query("SELECT 1 FROM queue WHERE dedupe_key = $1 LIMIT 1", [dedupeKey]);
  return (res.rowCount ?? 0) > 0;
}

export async function deleteItem(tx: TQueryable, id: string): Promise<void> {
  await tx.query("DELETE FROM queue WHERE id = $1", [id]);
}

/**
 * Puts a leased item back, due after `runAtMs`. If a pending twin was enqueued meanwhile, the twin
 * already covers the work and this copy is dropped.
 */
export async function releaseItem(pool: pg.Pool, id: string, runAtMs: number): Promise<void> {
  try {
    await pool.query("UPDATE queue SET lease_owner = NULL, lease_until = NULL, run_at = $2 WHERE id = $1", [
      id,
      new Date(runAtMs),
    ]);
  } catch (err) {
    if ((err as { code?: string }).code !== "23505") throw err;
    await pool.query("DELETE FROM queue WHERE id = $1", [id]);
  }
}

/**
 * Frees leases held by runners that are gone: all of them when this runner takes over the database
 * (only one runner leads at a time), or those past `lease_until` while running (a hung call).
 */
export async function reclaimLeases(pool: pg.Pool, onlyExpiredBefore?: Date): Promise<number> {
  const cond = onlyExpiredBefore
    ? "q.lease_owner IS NOT NULL AND q.lease_until < $1"
    : "q.lease_owner IS NOT NULL";
  const params = onlyExpiredBefore ? [onlyExpiredBefore] : [];
  await pool.query(
    `DELETE FROM queue q WHERE ${cond} AND q.dedupe_key IS NOT NULL
       AND EXISTS (SELECT 1 FROM queue p WHERE p.dedupe_key = q.dedupe_key
                   AND (p.lease_owner IS NULL OR p.id < q.id))`,
    params,
  );
  const res = await pool.query(
    `UPDATE queue q SET lease_owner = NULL, lease_until = NULL WHERE ${cond}`,
    params,
  );
  return res.rowCount ?? 0;
}

export async function deleteRunWork(tx: TQueryable, runId: string): Promise<void> {
  await tx.query("DELETE FROM queue WHERE run_id = $1", [runId]);
  await tx.query("DELETE FROM waits WHERE run_id = $1", [runId]);
}
