import type pg from "pg";
import type { TEvent, TRunnerContext } from "../context";
import { json } from "../db";
import { enqueueTimer } from "../queue";
import type { TFunctionDef } from "../registry";
import { createRuns } from "../runs";

/**
 * `debounce`: each event for a (function, key) replaces the pending one and pushes the run back by
 * `period`, but never past `timeout` after the first event of the series. The run gets the last event.
 */
export interface TDebounceItem {
  fn: TFunctionDef;
  key: string;
  event: TEvent;
}

function timerKey(fnId: string, key: string): string {
  return `debounce:${fnId}:${key}`;
}

export async function upsertDebounces(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  items: TDebounceItem[],
): Promise<void> {
  const nowMs = ctx.clock.now();
  for (const item of items) {
    const debounce = item.fn.debounce;
    if (!debounce) continue;
    const res = await tx.query<{ first_at: Date }>(
      `INSERT INTO debounces (function_id, debounce_key, event, first_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (function_id, debounce_key) DO UPDATE SET event = EXCLUDED.event RETURNING first_at`,
      [item.fn.id, item.key, json(item.event), new Date(nowMs)],
    );
    const firstAt = res.rows[0]?.first_at.getTime() ?? nowMs;
    let fireAt = ctx.clock.after(debounce.periodMs);
    if (debounce.timeoutMs !== undefined)
      fireAt = Math.min(fireAt, firstAt + ctx.clock.scale(debounce.timeoutMs));
    await enqueueTimer(
      tx,
      {
        kind: "debounce",
        dedupeKey: timerKey(item.fn.id, item.key),
        runAtMs: fireAt,
        payload: { functionId: item.fn.id, key: item.key },
      },
      true,
    );
  }
}

/** The debounce timer fired: start the run with the latest event (if the series is still pending). */
export async function fireDebounce(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  fnId: string,
  key: string,
): Promise<void> {
  const res = await tx.query<{ event: TEvent }>(
    "DELETE FROM debounces WHERE function_id = $1 AND debounce_key = $2 RETURNING event",
    [fnId, key],
  );
  const event = res.rows[0]?.event;
  const fn = ctx.registry.get(fnId);
  if (!event || !fn) return;
  await createRuns(ctx, tx, [{ fn, events: [event], trigger: "debounce" }]);
}
