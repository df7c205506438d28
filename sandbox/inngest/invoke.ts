import type pg from "pg";
import type { TEvent, TRunnerContext } from "./context";
import { json } from "./db";
import { parseTimeTarget } from "./durations";
import { newUlid } from "./ids";
import { enqueueTimer } from "./queue";
import type { TFunctionDef } from "./registry";
import { createRuns } from "./runs";

/**
 * `step.invoke` (SDK spec 5.3.4): starts the target function with an `inngest/function.invoked` event
 * (the payload's data plus `_inngest` correlation fields). The child's end answers the waiting step
 * (runs.ts finishRun); an optional timeout answers it with an error first.
 * Returns a problem message when the invocation cannot start.
 */
export async function startInvoke(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  invoke: {
    runId: string;
    stepId: string;
    caller: TFunctionDef;
    opts: Record<string, unknown>;
    nowMs: number;
  },
): Promise<string | undefined> {
  const { runId, stepId, caller, opts, nowMs } = invoke;
  const targetId = typeof opts.function_id === "string" ? opts.function_id : "";
  const target = ctx.registry.get(targetId);
  if (!target) return `function "${targetId}" is not registered with the runner`;
  const payload = (typeof opts.payload === "object" && opts.payload !== null ? opts.payload : {}) as {
    data?: unknown;
    v?: unknown;
  };
  const timeout = typeof opts.timeout === "string" ? parseTimeTarget(opts.timeout, nowMs) : undefined;
  const correlationId = `${runId}.${stepId}`;
  const id = newUlid(nowMs);
  const data =
    typeof payload.data === "object" && payload.data !== null
      ? (payload.data as Record<string, unknown>)
      : {};
  const event: TEvent = {
    id,
    name: "inngest/function.invoked",
    data: {
      ...data,
      _inngest: {
        source_app_id: caller.appId,
        source_fn_id: caller.id,
        source_fn_v: 0,
        source_run_id: runId,
        invoke_correlation_id: correlationId,
        ...(timeout ? { expire: timeout.atMs } : {}),
      },
    },
    ts: nowMs,
  };
  if (typeof payload.v === "string") event.v = payload.v;
  await tx.query(
    "INSERT INTO events (internal_id, id, name, payload, received_at) VALUES ($1, $1, $2, $3, $4)",
    [id, event.name, json(event), new Date(nowMs)],
  );
  await createRuns(ctx, tx, [
    { fn: target, events: [event], trigger: "invoke", parent: { runId, stepId, correlationId } },
  ]);
  if (timeout) {
    const fireAt = timeout.absolute ? ctx.clock.at(timeout.atMs) : ctx.clock.after(timeout.atMs - nowMs);
    await enqueueTimer(tx, {
      kind: "invoke-timeout",
      dedupeKey: `invoke:${runId}:${stepId}`,
      runAtMs: fireAt,
      runId,
      stepId,
    });
  }
  return undefined;
}
