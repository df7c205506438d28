import type pg from "pg";
import type { TEvent, TRunnerContext } from "../context";
import { finishRun } from "../runs";

/**
 * `cancelOn`: an incoming event cancels active runs of functions that list its name, when the rule's
 * `if` (with `event` = the run's trigger and `async` = the incoming event) holds and the rule's timeout
 * since the run started has not passed. Only runs created before the event are candidates.
 */
export async function applyCancellations(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  events: TEvent[],
  receivedAtMs: number,
): Promise<void> {
  for (const incoming of events) {
    for (const fn of ctx.registry.cancellersOf(incoming.name)) {
      for (const rule of fn.cancel) {
        if (rule.event !== incoming.name) continue;
        const since =
          rule.timeoutMs !== undefined
            ? new Date(receivedAtMs - ctx.clock.scale(rule.timeoutMs))
            : new Date(0);
        const runs = await tx.query<{ id: string; trigger: TEvent | null }>(
          `SELECT id, events->0 AS trigger FROM runs
           WHERE function_id = $1 AND status IN ('queued', 'running') AND created_at < $2 AND created_at >= $3`,
          [fn.id, new Date(receivedAtMs), since],
        );
        for (const run of runs.rows) {
          if (rule.expr && !rule.expr.matches({ event: run.trigger, async: incoming })) continue;
          const cancelled = await finishRun(ctx, tx, run.id, {
            status: "cancelled",
            error: {
              name: "FunctionCancelled",
              message: `cancelled by event ${incoming.name} (${incoming.id})`,
            },
          });
          if (cancelled) ctx.log.info("run.cancel", { run: run.id, fn: fn.id, event: incoming.id });
        }
      }
    }
  }
}
