import { createHash } from "node:crypto";
import type pg from "pg";
import type { TEvent, TRunnerContext } from "./context";
import { json } from "./db";
import { computeBackoffMs, parseTimeTarget } from "./durations";
import type { TCallResult, TOp } from "./executor";
import { enqueueCall, enqueueTimer, hasQueued } from "./queue";
import type { TQueueItem } from "./queue";
import type { TFunctionDef } from "./registry";
import { startInvoke } from "./invoke";
import { finishRun, resolveStep } from "./runs";
import { createWait } from "./waits";

/**
 * Applies one SDK answer to the run, in the transaction that also deletes the queue item — so a crash
 * either loses the answer (the call is repeated) or keeps all of it, never half.
 */

export interface TCallContext {
  item: TQueueItem & { run_id: string; step_id: string };
  fn: TFunctionDef;
  trigger: TEvent | undefined;
  startedAtMs: number;
}

/** The SDK reports the end of a run with lazy ops under the hashed id "complete". */
const RUN_COMPLETE_ID = createHash("sha1").update("complete").digest("hex");
const IGNORED_OPS = new Set(["DeferAdd", "DeferAbort"]);

async function recordAttempt(
  tx: pg.PoolClient,
  call: TCallContext,
  endedAtMs: number,
  fields: { stepId?: string | null; name?: string | null; status?: number; outcome: string; error?: unknown },
): Promise<void> {
  await tx.query(
    `INSERT INTO attempts (run_id, step_id, name, attempt, started_at, ended_at, status_code, outcome, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      call.item.run_id,
      fields.stepId ?? null,
      fields.name ?? null,
      call.item.attempt,
      new Date(call.startedAtMs),
      new Date(endedAtMs),
      fields.status ?? null,
      fields.outcome,
      fields.error === undefined ? null : json(fields.error),
    ],
  );
}

function retryAtMs(ctx: TRunnerContext, attempt: number, retryAfterMs: number | undefined): number {
  return ctx.clock.after(retryAfterMs ?? computeBackoffMs(attempt));
}

/** A function-level error (thrown outside steps, bad response, app unreachable): retry the call or fail the run. */
async function handleFunctionError(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  call: TCallContext,
  error: unknown,
  noRetry: boolean,
  retryAfterMs: number | undefined,
): Promise<void> {
  const { item, fn } = call;
  if (noRetry || item.attempt + 1 >= fn.maxAttempts) {
    await finishRun(ctx, tx, item.run_id, { status: "failed", error });
    return;
  }
  const at = retryAtMs(ctx, item.attempt, retryAfterMs);
  await enqueueCall(tx, item.run_id, item.step_id, at, item.attempt + 1);
  ctx.log.info("run.retry", {
    run: item.run_id,
    fn: fn.id,
    attempt: item.attempt + 1,
    in_ms: Math.round(at - ctx.clock.now()),
  });
}

async function insertWaitingStep(
  tx: pg.PoolClient,
  runId: string,
  op: TOp,
  name: string,
  nowMs: number,
): Promise<boolean> {
  const res = await tx.query(
    `INSERT INTO steps (run_id, step_id, name, op, status, created_at) VALUES ($1, $2, $3, $4, 'waiting', $5)
     ON CONFLICT DO NOTHING RETURNING step_id`,
    [runId, op.id, name, op.op, new Date(nowMs)],
  );
  return (res.rowCount ?? 0) > 0;
}

async function failStep(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  call: TCallContext,
  op: TOp,
  name: string,
  message: string,
): Promise<void> {
  ctx.recordProblem({
    kind: "step",
    message: `${op.op} "${name}": ${message}`,
    runId: call.item.run_id,
    functionId: call.fn.id,
  });
  await resolveStep(
    ctx,
    tx,
    call.item.run_id,
    op.id,
    { error: { name: "Error", message } },
    { op: op.op, name },
  );
}

async function handleOp(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  call: TCallContext,
  op: TOp,
  retryAfterMs: number | undefined,
): Promise<void> {
  const { item, fn } = call;
  const runId = item.run_id;
  const name = op.displayName ?? op.name ?? op.id;
  const nowMs = ctx.clock.now();
  switch (op.op) {
    case "StepRun":
    case "Step": {
      const fresh = await resolveStep(
        ctx,
        tx,
        runId,
        op.id,
        { data: op.data ?? null },
        { op: "StepRun", name, countAttempt: true },
      );
      if (!fresh)
        ctx.log.warn("step.result_ignored", {
          run: runId,
          step: op.id,
          reason: "already memoized or run ended",
        });
      return;
    }
    case "StepError": {
      if (item.attempt + 1 < fn.maxAttempts) {
        await tx.query(
          `INSERT INTO steps (run_id, step_id, name, op, status, output, attempts, created_at) VALUES ($1, $2, $3, 'StepRun', 'retrying', $4, 1, $5)
           ON CONFLICT (run_id, step_id) DO UPDATE SET status = 'retrying', output = EXCLUDED.output, attempts = steps.attempts + 1
           WHERE steps.status NOT IN ('completed', 'failed')`,
          [runId, op.id, name, json({ error: op.error }), new Date(nowMs)],
        );
        const at = retryAtMs(ctx, item.attempt, retryAfterMs);
        await enqueueCall(tx, runId, item.step_id, at, item.attempt + 1);
        ctx.log.info("step.retry", {
          run: runId,
          fn: fn.id,
          step: name,
          attempt: item.attempt + 1,
          in_ms: Math.round(at - nowMs),
        });
        return;
      }
      await resolveStep(
        ctx,
        tx,
        runId,
        op.id,
        { error: op.error ?? null },
        { op: "StepRun", name, countAttempt: true },
      );
      return;
    }
    case "StepFailed":
      await resolveStep(
        ctx,
        tx,
        runId,
        op.id,
        { error: op.error ?? null },
        { op: "StepRun", name, countAttempt: true },
      );
      ctx.log.warn("step.failed", { run: runId, fn: fn.id, step: name });
      return;
    case "StepPlanned": {
      const done = await tx.query(
        "SELECT 1 FROM steps WHERE run_id = $1 AND step_id = $2 AND status IN ('completed', 'failed')",
        [runId, op.id],
      );
      if ((done.rowCount ?? 0) > 0 || (await hasQueued(tx, `call:${runId}:${op.id}`))) return;
      await tx.query(
        `INSERT INTO steps (run_id, step_id, name, op, status, created_at) VALUES ($1, $2, $3, 'StepRun', 'planned', $4) ON CONFLICT DO NOTHING`,
        [runId, op.id, name, new Date(nowMs)],
      );
      await enqueueCall(tx, runId, op.id, nowMs);
      return;
    }
    case "Sleep": {
      const spec = typeof op.opts?.duration === "string" ? op.opts.duration : (op.name ?? "");
      const target = parseTimeTarget(spec, nowMs);
      if (!target) return failStep(ctx, tx, call, op, name, `invalid sleep duration "${spec}"`);
      if (!(await insertWaitingStep(tx, runId, op, name, nowMs))) return;
      const fireAt = target.absolute ? ctx.clock.at(target.atMs) : ctx.clock.after(target.atMs - nowMs);
      await enqueueTimer(tx, {
        kind: "sleep",
        dedupeKey: `sleep:${runId}:${op.id}`,
        runAtMs: fireAt,
        runId,
        stepId: op.id,
      });
      return;
    }
    case "WaitForEvent": {
      const opts = op.opts ?? {};
      const event = typeof opts.event === "string" ? opts.event : (op.name ?? "");
      const timeout = typeof opts.timeout === "string" ? parseTimeTarget(opts.timeout, nowMs) : undefined;
      if (!event || !timeout)
        return failStep(ctx, tx, call, op, name, "waitForEvent needs an event name and a timeout");
      if (!(await insertWaitingStep(tx, runId, op, name, nowMs))) return;
      const expiresAtMs = timeout.absolute
        ? ctx.clock.at(timeout.atMs)
        : ctx.clock.after(timeout.atMs - nowMs);
      await createWait(ctx, tx, {
        runId,
        stepId: op.id,
        event,
        expr: typeof opts.if === "string" ? opts.if : undefined,
        expiresAtMs,
      });
      return;
    }
    case "InvokeFunction":
      if (!(await insertWaitingStep(tx, runId, op, name, nowMs))) return;
      {
        const problem = await startInvoke(ctx, tx, {
          runId,
          stepId: op.id,
          caller: fn,
          opts: op.opts ?? {},
          nowMs,
        });
        if (problem) await failStep(ctx, tx, call, op, name, problem);
      }
      return;
    default:
      if (!(await insertWaitingStep(tx, runId, op, name, nowMs))) return;
      await failStep(ctx, tx, call, op, name, `the local runner does not support the ${op.op} operation`);
  }
}

function describeOps(ops: TOp[]): string {
  return ops.map((o) => o.op).join(",");
}

/** Applies a call's result. The caller has locked nothing; we lock the run row first. */
export async function applyCallResult(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  call: TCallContext,
  result: TCallResult,
): Promise<void> {
  const { item } = call;
  const endedAtMs = ctx.clock.now();
  const run = await tx.query<{ status: string }>("SELECT status FROM runs WHERE id = $1 FOR UPDATE", [
    item.run_id,
  ]);
  await tx.query("DELETE FROM queue WHERE id = $1", [item.id]);
  const status = run.rows[0]?.status;
  if (status !== "queued" && status !== "running") {
    await recordAttempt(tx, call, endedAtMs, {
      outcome: "discarded",
      status: "status" in result ? result.status : undefined,
    });
    return;
  }
  if (result.kind !== "error" && result.requestVersion) {
    await tx.query("UPDATE runs SET request_version = $2 WHERE id = $1", [
      item.run_id,
      result.requestVersion,
    ]);
  }

  if (result.kind === "complete") {
    await recordAttempt(tx, call, endedAtMs, { status: result.status, outcome: "completed" });
    await finishRun(ctx, tx, item.run_id, { status: "completed", output: result.output });
    return;
  }
  if (result.kind === "error") {
    await recordAttempt(tx, call, endedAtMs, {
      status: result.status,
      outcome: "error",
      error: result.error,
    });
    if (result.malformed)
      ctx.recordProblem({
        kind: "response",
        message: result.error.message,
        runId: item.run_id,
        functionId: call.fn.id,
      });
    await handleFunctionError(ctx, tx, call, result.error, result.noRetry, result.retryAfterMs);
    return;
  }

  const ops = result.ops.filter((op) => !IGNORED_OPS.has(op.op));
  const runEnd = ops.find(
    (op) =>
      op.op === "RunComplete" ||
      (op.id === RUN_COMPLETE_ID && (op.op === "StepError" || op.op === "StepFailed")),
  );
  const stepOps = ops.filter((op) => op !== runEnd && op.op !== "RunComplete");
  if (stepOps.length === 0 && !runEnd) {
    // Nothing to schedule would strand the run; treat it like any other bad answer and retry.
    const error = {
      name: "MalformedResponse",
      message: "206 response listed no step operations this runner acts on",
    };
    await recordAttempt(tx, call, endedAtMs, { status: result.status, outcome: "error", error });
    ctx.recordProblem({
      kind: "response",
      message: error.message,
      runId: item.run_id,
      functionId: call.fn.id,
    });
    await handleFunctionError(ctx, tx, call, error, false, undefined);
    return;
  }
  const single = stepOps.length === 1 && !runEnd ? stepOps[0] : undefined;
  const ranStep =
    single && ["StepRun", "Step", "StepError", "StepFailed"].includes(single.op) ? single : undefined;
  await recordAttempt(tx, call, endedAtMs, {
    status: result.status,
    stepId: ranStep?.id ?? (item.step_id === "step" ? null : item.step_id),
    name: ranStep ? (ranStep.displayName ?? ranStep.name ?? null) : null,
    outcome: ranStep ? ranStep.op : `ops:${describeOps(ops)}`,
    error: ranStep?.error,
  });
  if (stepOps.length > 1)
    await tx.query("UPDATE runs SET disable_immediate = true WHERE id = $1", [item.run_id]);
  for (const op of stepOps) await handleOp(ctx, tx, call, op, result.retryAfterMs);
  if (runEnd?.op === "RunComplete")
    await finishRun(ctx, tx, item.run_id, { status: "completed", output: runEnd.data ?? null });
  else if (runEnd)
    await handleFunctionError(ctx, tx, call, runEnd.error, runEnd.op === "StepFailed", result.retryAfterMs);
}
