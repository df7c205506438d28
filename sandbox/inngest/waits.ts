import type pg from "pg";
import type { TEvent, TRunnerContext } from "./context";
import { ExpressionError } from "./expressions";
import { enqueueTimer } from "./queue";
import { compileMatchExpression } from "./registry";
import { resolveStep } from "./runs";

/**
 * `step.waitForEvent` (SDK spec 5.3.3): the step resolves with the first matching event received after
 * the wait began (`event` = the run's trigger, `async` = the candidate in the `if` expression), or with
 * `null` at the timeout. Whoever deletes the wait row first — a matching event or the timer — wins.
 */
export async function createWait(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  wait: { runId: string; stepId: string; event: string; expr?: string; expiresAtMs: number },
): Promise<void> {
  if (wait.expr) {
    try {
      compileMatchExpression(wait.expr);
    } catch (err) {
      const message = err instanceof ExpressionError ? err.message : String(err);
      ctx.recordProblem({ kind: "expression", message: `waitForEvent: ${message}`, runId: wait.runId });
      await resolveStep(
        ctx,
        tx,
        wait.runId,
        wait.stepId,
        { error: { name: "ExpressionError", message } },
        { op: "WaitForEvent", name: wait.event },
      );
      return;
    }
  }
  const nowMs = ctx.clock.now();
  await tx.query(
    `INSERT INTO waits (run_id, step_id, event, expr, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT DO NOTHING`,
    [wait.runId, wait.stepId, wait.event, wait.expr ?? null, new Date(wait.expiresAtMs), new Date(nowMs)],
  );
  await enqueueTimer(tx, {
    kind: "wait-timeout",
    dedupeKey: `wait:${wait.runId}:${wait.stepId}`,
    runAtMs: wait.expiresAtMs,
    runId: wait.runId,
    stepId: wait.stepId,
  });
}

export async function resolveWaits(ctx: TRunnerContext, tx: pg.PoolClient, events: TEvent[]): Promise<void> {
  const names = [...new Set(events.map((e) => e.name))];
  const waits = await tx.query<{
    run_id: string;
    step_id: string;
    event: string;
    expr: string | null;
    trigger: TEvent | null;
  }>(
    `SELECT w.run_id, w.step_id, w.event, w.expr, r.events->0 AS trigger
     FROM waits w JOIN runs r ON r.id = w.run_id
     WHERE w.event = ANY($1::text[]) ORDER BY w.created_at
     FOR UPDATE OF w SKIP LOCKED`,
    [names],
  );
  for (const wait of waits.rows) {
    const match = events.find((candidate) => {
      if (candidate.name !== wait.event) return false;
      if (!wait.expr) return true;
      try {
        return compileMatchExpression(wait.expr).matches({ event: wait.trigger, async: candidate });
      } catch {
        return false;
      }
    });
    if (!match) continue;
    const claimed = await tx.query("DELETE FROM waits WHERE run_id = $1 AND step_id = $2", [
      wait.run_id,
      wait.step_id,
    ]);
    if ((claimed.rowCount ?? 0) === 0) continue;
    await tx.query("DELETE FROM queue WHERE dedupe_key = $1", [`wait:${wait.run_id}:${wait.step_id}`]);
    await resolveStep(
      ctx,
      tx,
      wait.run_id,
      wait.step_id,
      { data: match },
      { op: "WaitForEvent", name: wait.event },
    );
    ctx.log.debug("wait.matched", { run: wait.run_id, step: wait.step_id, event: match.id });
  }
}

/** The wait's timer fired: resolve with `null` unless an event got there first. */
export async function expireWait(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  runId: string,
  stepId: string,
): Promise<void> {
  const claimed = await tx.query<{ event: string }>(
    "DELETE FROM waits WHERE run_id = $1 AND step_id = $2 RETURNING event",
    [runId, stepId],
  );
  const row = claimed.rows[0];
  if (!row) return;
  await resolveStep(ctx, tx, runId, stepId, { data: null }, { op: "WaitForEvent", name: row.event });
}
