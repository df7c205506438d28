import type pg from "pg";
import type { TAcceptedEvent, TEvent, TRunnerContext } from "./context";
import { json, type TQueryable } from "./db";
import { evaluateKey } from "./expressions";
import { resolveConcurrencyKeys } from "./flow-control/concurrency";
import { takeGcraSlots, type TGcraRequest } from "./flow-control/gcra";
import { newUlid } from "./ids";
import { deleteRunWork, enqueueCall, enqueueFirstCalls } from "./queue";
import type { TFunctionDef } from "./registry";

/** Run lifecycle: creation (with idempotency, rate limit and throttle), step memoization, completion. */

export type TRunTrigger = "event" | "batch" | "cron" | "invoke" | "debounce";

export interface TRunSpec {
  fn: TFunctionDef;
  events: TEvent[];
  trigger: TRunTrigger;
  /** Set when started by `step.invoke`: the waiting step of the parent run. */
  parent?: { runId: string; stepId: string; correlationId: string };
}

export type TStepMemo = { data: unknown } | { error: unknown };

const DAY_MS = 86_400_000;

/** Drops specs whose idempotency key was used in the last 24 h (first one in this call wins). */
async function filterIdempotent(tx: pg.PoolClient, specs: TRunSpec[], nowMs: number): Promise<TRunSpec[]> {
  const keyed = specs
    .map((spec, index) => ({
      spec,
      index,
      key:
        spec.fn.idempotency && spec.trigger !== "invoke"
          ? evaluateKey(spec.fn.idempotency, { event: spec.events[0] })
          : undefined,
    }))
    .filter((k) => k.key !== undefined);
  if (keyed.length === 0) return specs;
  const firsts = new Map<string, (typeof keyed)[number]>();
  for (const k of keyed)
    if (!firsts.has(`${k.spec.fn.id}\u0000${k.key}`)) firsts.set(`${k.spec.fn.id}\u0000${k.key}`, k);
  const res = await tx.query<{ function_id: string; key: string }>(
    `INSERT INTO idempotency (function_id, key, expires_at)
     SELECT function_id, key, $2 FROM jsonb_to_recordset($1::jsonb) AS x(function_id text, key text)
     ON CONFLICT (function_id, key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE idempotency.expires_at < $3
     RETURNING function_id, key`,
    [
      json([...firsts.values()].map((k) => ({ function_id: k.spec.fn.id, key: k.key }))),
      new Date(nowMs + DAY_MS),
      new Date(nowMs),
    ],
  );
  const granted = new Set(res.rows.map((r) => firsts.get(`${r.function_id}\u0000${r.key}`)?.index));
  const keyedIndexes = new Set(keyed.map((k) => k.index));
  return specs.filter((_, i) => !keyedIndexes.has(i) || granted.has(i));
}

/**
 * Creates runs and their first SDK call in the caller's transaction. Returns the ids of runs created
 * (skipped ones — idempotency, rate limit — are logged, not errors).
 */
export async function createRuns(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  specs: TRunSpec[],
): Promise<string[]> {
  if (specs.length === 0) return [];
  const nowMs = ctx.clock.now();
  const admitted = await filterIdempotent(tx, specs, nowMs);
  if (admitted.length < specs.length)
    ctx.log.info("run.skipped", { reason: "idempotency", count: specs.length - admitted.length });

  const gcraRequests: Array<{ spec: number; req: TGcraRequest }> = [];
  admitted.forEach((spec, i) => {
    const event = spec.events[0];
    const { fn } = spec;
    if (fn.rateLimit && spec.trigger !== "invoke") {
      const key = evaluateKey(fn.rateLimit.key, { event });
      gcraRequests.push({
        spec: i,
        req: {
          kind: "rate",
          functionId: fn.id,
          key,
          limit: fn.rateLimit.limit,
          burst: 0,
          periodMs: ctx.clock.scale(fn.rateLimit.periodMs),
        },
      });
    }
    if (fn.throttle) {
      const key = evaluateKey(fn.throttle.key, { event });
      gcraRequests.push({
        spec: i,
        req: {
          kind: "throttle",
          functionId: fn.id,
          key,
          limit: fn.throttle.limit,
          burst: fn.throttle.burst,
          periodMs: ctx.clock.scale(fn.throttle.periodMs),
        },
      });
    }
  });
  const startAt = admitted.map(() => nowMs as number | null);
  const slots = await takeGcraSlots(
    tx,
    gcraRequests.map((g) => g.req),
    nowMs,
  );
  gcraRequests.forEach((g, j) => {
    const slot = slots[j];
    const current = startAt[g.spec];
    if (slot === null || slot === undefined || current === null || current === undefined) {
      if (g.req.kind === "rate" && current !== null)
        ctx.log.info("run.skipped", { reason: "rateLimit", fn: g.req.functionId });
      startAt[g.spec] = null;
    } else {
      startAt[g.spec] = Math.max(current, slot);
    }
  });

  const rows: Array<Record<string, unknown>> = [];
  const calls: Array<{ runId: string; runAtMs: number }> = [];
  admitted.forEach((spec, i) => {
    const at = startAt[i];
    if (at === null || at === undefined) return;
    const runId = newUlid(nowMs);
    const { keys, limits } = resolveConcurrencyKeys(spec.fn, spec.events[0]);
    rows.push({
      id: runId,
      function_id: spec.fn.id,
      trigger: spec.trigger,
      events: spec.events,
      event_ids: spec.events.map((e) => e.id),
      created_at: new Date(nowMs).toISOString(),
      ckeys: keys,
      climits: limits,
      parent: spec.parent ?? null,
    });
    calls.push({ runId, runAtMs: at });
  });
  if (rows.length === 0) return [];
  await tx.query(
    `INSERT INTO runs (id, function_id, status, trigger, events, event_ids, created_at, ckeys, climits, parent)
     SELECT x.id, x.function_id, 'queued', x.trigger, x.events, ARRAY(SELECT jsonb_array_elements_text(x.event_ids)),
            x.created_at, ARRAY(SELECT jsonb_array_elements_text(x.ckeys)),
            ARRAY(SELECT (jsonb_array_elements_text(x.climits))::int), x.parent
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, function_id text, trigger text, events jsonb, event_ids jsonb,
          created_at timestamptz, ckeys jsonb, climits jsonb, parent jsonb)`,
    [json(rows)],
  );
  await enqueueFirstCalls(tx, calls);
  for (const r of rows)
    ctx.log.debug("run.created", {
      run: String(r.id),
      fn: String(r.function_id),
      trigger: String(r.trigger),
    });
  return rows.map((r) => String(r.id));
}

/** A run's memoized steps (`{ data }` or `{ error }` by hashed id) and the order they completed in. */
export interface TRunMemo {
  stack: string[];
  steps: Record<string, unknown>;
}

/**
 * Reads the memo of a run in one statement, so the stack and the steps come from the same snapshot.
 * The SDK resolves memoized steps strictly in stack order: a step present in `steps` but missing from
 * the stack (e.g. a parallel step committed between two separate reads) is never resolved, and the call
 * hangs until its timeout. Taking both from the stack by construction rules that out.
 */
export async function loadRunMemo(db: TQueryable, runId: string): Promise<TRunMemo> {
  const res = await db.query<{ step_id: string; output: unknown }>(
    `SELECT s.step_id, s.output FROM runs r
       CROSS JOIN LATERAL unnest(r.stack) WITH ORDINALITY AS k(step_id, pos)
       JOIN steps s ON s.run_id = r.id AND s.step_id = k.step_id AND s.status IN ('completed', 'failed')
     WHERE r.id = $1 ORDER BY k.pos`,
    [runId],
  );
  return {
    stack: res.rows.map((r) => r.step_id),
    steps: Object.fromEntries(res.rows.map((r) => [r.step_id, r.output])),
  };
}

/**
 * Memoizes a step's result (once) and schedules the run's next discovery call. Returns false when the
 * step was already memoized (a repeat must never overwrite the first result) or the run is over.
 */
export async function resolveStep(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  runId: string,
  stepId: string,
  memo: TStepMemo,
  meta: { op: string; name?: string; countAttempt?: boolean },
): Promise<boolean> {
  const nowMs = ctx.clock.now();
  const status = "error" in memo ? "failed" : "completed";
  const res = await tx.query(
    `INSERT INTO steps (run_id, step_id, name, op, status, output, attempts, created_at, ended_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
     ON CONFLICT (run_id, step_id) DO UPDATE SET status = EXCLUDED.status, output = EXCLUDED.output,
       ended_at = EXCLUDED.ended_at, attempts = steps.attempts + EXCLUDED.attempts, name = COALESCE(steps.name, EXCLUDED.name)
     WHERE steps.status NOT IN ('completed', 'failed')
     RETURNING step_id`,
    [
      runId,
      stepId,
      meta.name ?? null,
      meta.op,
      status,
      json(memo),
      meta.countAttempt ? 1 : 0,
      new Date(nowMs),
    ],
  );
  if ((res.rowCount ?? 0) === 0) return false;
  const run = await tx.query(
    `UPDATE runs SET stack = array_append(stack, $2) WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
    [runId, stepId],
  );
  if ((run.rowCount ?? 0) === 0) return false;
  await enqueueCall(tx, runId, "step", nowMs);
  return true;
}

export type TRunEnd =
  | { status: "completed"; output: unknown }
  | { status: "failed"; error: unknown }
  | { status: "cancelled"; error: unknown };

interface TEndedRun {
  function_id: string;
  events: TEvent[];
  parent: { runId: string; stepId: string; correlationId: string } | null;
}

function lifecycleEvent(name: string, data: Record<string, unknown>, nowMs: number): TAcceptedEvent {
  const id = newUlid(nowMs);
  return { internalId: id, event: { id, name, data, ts: nowMs } };
}

/**
 * Ends a run exactly once (guarded by its status), drops its pending work, emits
 * `inngest/function.failed` / `.cancelled` and `inngest/function.finished`, and answers a parent's
 * `step.invoke`. Returns false when the run had already ended.
 */
export async function finishRun(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  runId: string,
  end: TRunEnd,
): Promise<boolean> {
  const nowMs = ctx.clock.now();
  const res = await tx.query<TEndedRun>(
    `UPDATE runs SET status = $2, ended_at = $3, output = $4, error = $5
     WHERE id = $1 AND status IN ('queued', 'running') RETURNING function_id, events, parent`,
    [
      runId,
      end.status,
      new Date(nowMs),
      end.status === "completed" ? json(end.output) : null,
      end.status === "completed" ? null : json(end.error),
    ],
  );
  const run = res.rows[0];
  if (!run) return false;
  await deleteRunWork(tx, runId);
  const event = run.events[0];
  const base = {
    function_id: run.function_id,
    run_id: runId,
    ...(run.parent ? { correlation_id: run.parent.correlationId } : {}),
  };
  const events: TAcceptedEvent[] = [];
  if (end.status === "failed")
    events.push(lifecycleEvent("inngest/function.failed", { ...base, error: end.error, event }, nowMs));
  if (end.status === "cancelled")
    events.push(lifecycleEvent("inngest/function.cancelled", { ...base, event }, nowMs));
  const outcome = end.status === "completed" ? { result: end.output } : { error: end.error };
  events.push(
    lifecycleEvent("inngest/function.finished", { ...base, event, events: run.events, ...outcome }, nowMs),
  );
  await ctx.ingest(tx, events);

  if (run.parent) {
    const memo = end.status === "completed" ? { data: end.output } : { error: end.error };
    await tx.query("DELETE FROM queue WHERE dedupe_key = $1", [
      `invoke:${run.parent.runId}:${run.parent.stepId}`,
    ]);
    await resolveStep(ctx, tx, run.parent.runId, run.parent.stepId, memo, { op: "InvokeFunction" });
  }
  const fields = { run: runId, fn: run.function_id, trigger: event?.name };
  if (end.status === "completed") ctx.log.info("run.completed", fields);
  else ctx.log.warn(`run.${end.status}`, { ...fields, error: describeMemoError(end.error) });
  return true;
}

function describeMemoError(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const e = error as { name?: unknown; message?: unknown };
    return `${typeof e.name === "string" ? e.name : "Error"}: ${typeof e.message === "string" ? e.message : ""}`;
  }
  return String(error);
}
