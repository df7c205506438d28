import type pg from "pg";
import type { TRunnerContext } from "./context";
import { nextCronTime, type TCronSpec } from "./cron";
import { flushBatch } from "./flow-control/batch";
import { fireDebounce } from "./flow-control/debounce";
import { newUlid } from "./ids";
import { enqueueTimer, type TQueueItem } from "./queue";
import { resolveStep } from "./runs";
import { expireWait } from "./waits";

/** Timers that came due: each is handled in one transaction together with deleting its queue row. */
export async function handleTimer(ctx: TRunnerContext, tx: pg.PoolClient, item: TQueueItem): Promise<void> {
  await tx.query("DELETE FROM queue WHERE id = $1", [item.id]);
  const payload = (item.payload ?? {}) as { functionId?: string; key?: string; cron?: string };
  switch (item.kind) {
    case "sleep":
      if (item.run_id && item.step_id)
        await resolveStep(ctx, tx, item.run_id, item.step_id, { data: null }, { op: "Sleep" });
      return;
    case "wait-timeout":
      if (item.run_id && item.step_id) await expireWait(ctx, tx, item.run_id, item.step_id);
      return;
    case "invoke-timeout":
      if (item.run_id && item.step_id) {
        await resolveStep(
          ctx,
          tx,
          item.run_id,
          item.step_id,
          {
            error: {
              name: "InngestInvokeTimeoutError",
              message: "Timed out waiting for invoked function to complete",
            },
          },
          { op: "InvokeFunction" },
        );
      }
      return;
    case "batch": {
      const fn = payload.functionId ? ctx.registry.get(payload.functionId) : undefined;
      if (fn) await flushBatch(ctx, tx, fn, payload.key ?? "", true);
      return;
    }
    case "debounce":
      if (payload.functionId) await fireDebounce(ctx, tx, payload.functionId, payload.key ?? "");
      return;
    case "cron":
      await fireCron(ctx, tx, payload.functionId ?? "", payload.cron ?? "");
      return;
    default:
      ctx.log.warn("queue.unknown_kind", { kind: item.kind, id: item.id });
  }
}

async function fireCron(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  functionId: string,
  cronSource: string,
): Promise<void> {
  const row = await tx.query<{ next_at: Date }>(
    "SELECT next_at FROM crons WHERE function_id = $1 AND cron = $2 FOR UPDATE",
    [functionId, cronSource],
  );
  const scheduledAt = row.rows[0]?.next_at.getTime();
  const fn = ctx.registry.get(functionId);
  const trigger = fn?.triggers.find((t) => t.kind === "cron" && t.cron.source === cronSource);
  if (scheduledAt === undefined || !fn || !trigger || trigger.kind !== "cron") {
    await tx.query("DELETE FROM crons WHERE function_id = $1 AND cron = $2", [functionId, cronSource]);
    return;
  }
  const nowMs = ctx.clock.now();
  const id = newUlid(nowMs);
  await ctx.ingest(
    tx,
    [
      {
        internalId: id,
        event: { id, name: "inngest/scheduled.timer", data: { cron: cronSource }, ts: nowMs },
      },
    ],
    { onlyFunctionId: fn.id },
  );
  await scheduleNextCron(ctx, tx, functionId, trigger.cron, scheduledAt);
}

/**
 * Plans the tick after `previousMs` (schedule time). In real time a runner that was down skips the ticks
 * it missed rather than firing them all at once; under time compression ticks follow each other at the
 * compressed interval.
 */
export async function scheduleNextCron(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  functionId: string,
  cron: TCronSpec,
  previousMs: number | undefined,
): Promise<void> {
  const cronSource = cron.source;
  const nowMs = ctx.clock.now();
  const compressed = ctx.clock.compression !== 1;
  const base = previousMs === undefined ? nowMs : compressed ? previousMs : Math.max(previousMs, nowMs);
  const next = nextCronTime(cron, base);
  const fireAt = compressed ? nowMs + ctx.clock.scale(next - base) : next;
  await tx.query(
    `INSERT INTO crons (function_id, cron, next_at) VALUES ($1, $2, $3)
     ON CONFLICT (function_id, cron) DO UPDATE SET next_at = EXCLUDED.next_at`,
    [functionId, cronSource, new Date(next)],
  );
  await enqueueTimer(
    tx,
    {
      kind: "cron",
      dedupeKey: `cron:${functionId}:${cronSource}`,
      runAtMs: fireAt,
      payload: { functionId, cron: cronSource },
    },
    true,
  );
}
