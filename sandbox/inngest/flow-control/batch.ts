import type pg from "pg";
import type { TEvent, TRunnerContext } from "../context";
import { json } from "../db";
import { enqueueTimer } from "../queue";
import type { TFunctionDef } from "../registry";
import { createRuns } from "../runs";

/**
 * `batchEvents`: events wait in `batches` per (function, key); a run starts as soon as `maxSize` are
 * waiting, or when the oldest has waited `timeout`. Rows are appended and consumed with multi-row
 * statements, so a burst of thousands of events costs a handful of statements per request.
 */
export interface TBatchItem {
  fn: TFunctionDef;
  key: string;
  event: TEvent;
}

function timerKey(fnId: string, key: string): string {
  return `batch:${fnId}:${key}`;
}

export async function addToBatches(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  items: TBatchItem[],
): Promise<void> {
  if (items.length === 0) return;
  const nowIso = new Date(ctx.clock.now()).toISOString();
  await tx.query(
    `INSERT INTO batches (function_id, batch_key, event, created_at)
     SELECT function_id, batch_key, event, created_at
     FROM jsonb_to_recordset($1::jsonb) AS x(function_id text, batch_key text, event jsonb, created_at timestamptz)`,
    [
      json(
        items.map((i) => ({ function_id: i.fn.id, batch_key: i.key, event: i.event, created_at: nowIso })),
      ),
    ],
  );
  const groups = new Map<string, { fn: TFunctionDef; key: string }>();
  for (const i of items) groups.set(`${i.fn.id}\u0000${i.key}`, { fn: i.fn, key: i.key });
  for (const id of [...groups.keys()].sort()) {
    const g = groups.get(id);
    if (!g?.fn.batch) continue;
    // Concurrent requests must not queue behind one flushing transaction: whoever holds the batch's lock
    // flushes; the others leave a timer and ask the scheduler to flush once they have committed.
    if (await flushBatch(ctx, tx, g.fn, g.key, false, true)) continue;
    await enqueueTimer(tx, {
      kind: "batch",
      dedupeKey: timerKey(g.fn.id, g.key),
      runAtMs: ctx.clock.after(g.fn.batch.timeoutMs),
      payload: { functionId: g.fn.id, key: g.key },
    });
    ctx.markBatchDirty(g.fn.id, g.key);
  }
}

/**
 * Starts runs for full batches (and, when `timedOut`, for the partial batch whose oldest event has waited
 * long enough), then makes sure a timer exists for what remains. With `tryLock`, returns false at once
 * when another transaction is flushing this batch.
 */
export async function flushBatch(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  fn: TFunctionDef,
  key: string,
  timedOut: boolean,
  tryLock = false,
): Promise<boolean> {
  const batch = fn.batch;
  if (!batch) return true;
  if (tryLock) {
    const got = await tx.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok", [
      timerKey(fn.id, key),
    ]);
    if (!got.rows[0]?.ok) return false;
  } else {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [timerKey(fn.id, key)]);
  }
  const timeoutMs = ctx.clock.scale(batch.timeoutMs);
  for (;;) {
    const head = await tx.query<{ n: string; oldest: Date | null }>(
      "SELECT count(*) AS n, min(created_at) AS oldest FROM batches WHERE function_id = $1 AND batch_key = $2",
      [fn.id, key],
    );
    const count = Number(head.rows[0]?.n ?? 0);
    const oldest = head.rows[0]?.oldest?.getTime();
    if (count === 0 || oldest === undefined) return true;
    const due = oldest + timeoutMs <= ctx.clock.now();
    if (count < batch.maxSize && !(timedOut && due)) {
      await enqueueTimer(tx, {
        kind: "batch",
        dedupeKey: timerKey(fn.id, key),
        runAtMs: oldest + timeoutMs,
        payload: { functionId: fn.id, key },
      });
      return true;
    }
    const taken = await tx.query<{ seq: string; event: TEvent }>(
      `DELETE FROM batches WHERE seq IN (
         SELECT seq FROM batches WHERE function_id = $1 AND batch_key = $2 ORDER BY seq LIMIT $3)
       RETURNING seq, event`,
      [fn.id, key, batch.maxSize],
    );
    const events = taken.rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map((r) => r.event);
    await createRuns(ctx, tx, [{ fn, events, trigger: "batch" }]);
  }
}
