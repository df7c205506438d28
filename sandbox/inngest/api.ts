import type { TRunnerContext, TEvent } from "./context";
import { withTransaction } from "./db";
import { finishRun, loadRunMemo } from "./runs";

/**
 * The read API the console and tests use, shaped like Inngest's REST API v1 where one exists
 * (`{ data: … }`, `run_id`, capitalised statuses; `GET /v1/events/:id/runs`, `GET /v1/runs/:id`,
 * `DELETE /v1/runs/:id` to cancel), plus runner-only detail: steps and every attempt with timings.
 * Also the two endpoints the SDK calls when a request was too large (`use_api`, SDK spec 4.4.2).
 */

export interface TApiResponse {
  status: number;
  body: unknown;
}

const STATUS_LABEL: Record<string, string> = {
  queued: "Queued",
  running: "Running",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
};

interface TRunRow {
  id: string;
  function_id: string;
  status: string;
  trigger: string;
  event_ids: string[];
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  output: unknown;
  error: unknown;
  parent: unknown;
}

const RUN_COLUMNS =
  "id, function_id, status, trigger, event_ids, created_at, started_at, ended_at, output, error, parent";

function summarizeRun(r: TRunRow): Record<string, unknown> {
  return {
    run_id: r.id,
    function_id: r.function_id,
    status: STATUS_LABEL[r.status] ?? r.status,
    trigger: r.trigger,
    event_id: r.event_ids[0] ?? null,
    event_ids: r.event_ids,
    run_started_at: r.created_at.toISOString(),
    started_at: r.started_at?.toISOString() ?? null,
    ended_at: r.ended_at?.toISOString() ?? null,
    output: r.status === "completed" ? r.output : r.error,
    ...(r.parent ? { parent: r.parent } : {}),
  };
}

function clampLimit(raw: string | null, fallback: number, max: number): number {
  const n = Number(raw ?? fallback);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
}

export async function listRuns(ctx: TRunnerContext, query: URLSearchParams): Promise<TApiResponse> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const fn = query.get("function");
  if (fn) {
    params.push(fn);
    conditions.push(`function_id = $${params.length}`);
  }
  const status = query.get("status")?.toLowerCase();
  if (status) {
    if (!(status in STATUS_LABEL))
      return {
        status: 400,
        body: { error: `status must be one of ${Object.values(STATUS_LABEL).join(", ")}` },
      };
    params.push(status);
    conditions.push(`status = $${params.length}`);
  }
  params.push(clampLimit(query.get("limit"), 50, 1000));
  const where = conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
  const res = await ctx.pool.query<TRunRow>(
    `SELECT ${RUN_COLUMNS} FROM runs ${where} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return { status: 200, body: { data: res.rows.map(summarizeRun) } };
}

export async function getRun(ctx: TRunnerContext, runId: string): Promise<TApiResponse> {
  const res = await ctx.pool.query<TRunRow & { events: TEvent[] }>(
    `SELECT ${RUN_COLUMNS}, events FROM runs WHERE id = $1`,
    [runId],
  );
  const run = res.rows[0];
  if (!run) return { status: 404, body: { error: `run ${runId} not found` } };
  const [steps, attempts] = await Promise.all([
    ctx.pool.query(
      "SELECT step_id, name, op, status, output, attempts, created_at, ended_at FROM steps WHERE run_id = $1 ORDER BY created_at, step_id",
      [runId],
    ),
    ctx.pool.query(
      "SELECT step_id, name, attempt, started_at, ended_at, status_code, outcome, error FROM attempts WHERE run_id = $1 ORDER BY id",
      [runId],
    ),
  ]);
  return {
    status: 200,
    body: {
      data: {
        ...summarizeRun(run),
        events: run.events,
        steps: steps.rows,
        attempts: attempts.rows,
      },
    },
  };
}

export async function cancelRunById(ctx: TRunnerContext, runId: string): Promise<TApiResponse> {
  const cancelled = await withTransaction(ctx.pool, (tx) =>
    finishRun(ctx, tx, runId, {
      status: "cancelled",
      error: { name: "FunctionCancelled", message: "cancelled through the API" },
    }),
  );
  ctx.kick();
  return cancelled
    ? { status: 200, body: { data: { run_id: runId, status: "Cancelled" } } }
    : { status: 404, body: { error: `no active run ${runId}` } };
}

export async function listEvents(ctx: TRunnerContext, query: URLSearchParams): Promise<TApiResponse> {
  const params: unknown[] = [];
  let where = "";
  const name = query.get("name");
  if (name) {
    params.push(name);
    where = "WHERE name = $1";
  }
  params.push(clampLimit(query.get("limit"), 50, 1000));
  const res = await ctx.pool.query<{
    internal_id: string;
    payload: TEvent;
    received_at: Date;
    duplicate: boolean;
  }>(
    `SELECT internal_id, payload, received_at, duplicate FROM events ${where} ORDER BY seq DESC LIMIT $${params.length}`,
    params,
  );
  return {
    status: 200,
    body: {
      data: res.rows.map((r) => ({
        internal_id: r.internal_id,
        ...r.payload,
        received_at: r.received_at.toISOString(),
        duplicate: r.duplicate,
      })),
    },
  };
}

/**
 * Runs started by an event, looked up by the internal id `send()` returned (as Inngest's API does) or by
 * the event's own `id`. A deduplicated send's internal id has no runs.
 */
export async function listEventRuns(ctx: TRunnerContext, eventId: string): Promise<TApiResponse> {
  const internal = await ctx.pool.query<{ id: string; duplicate: boolean }>(
    "SELECT id, duplicate FROM events WHERE internal_id = $1",
    [eventId],
  );
  const row = internal.rows[0];
  if (row?.duplicate) return { status: 200, body: { data: [] } };
  const res = await ctx.pool.query<TRunRow>(
    `SELECT ${RUN_COLUMNS} FROM runs WHERE event_ids @> ARRAY[$1]::text[] ORDER BY created_at`,
    [row?.id ?? eventId],
  );
  return { status: 200, body: { data: res.rows.map(summarizeRun) } };
}

export async function listFunctions(ctx: TRunnerContext): Promise<TApiResponse> {
  const res = await ctx.pool.query<{
    id: string;
    app_id: string;
    name: string;
    config: unknown;
    updated_at: Date;
  }>("SELECT id, app_id, name, config, updated_at FROM functions WHERE NOT archived ORDER BY app_id, id");
  return {
    status: 200,
    body: {
      data: res.rows.map((r) => ({
        id: r.id,
        app_id: r.app_id,
        name: r.name,
        config: r.config,
        updated_at: r.updated_at.toISOString(),
      })),
    },
  };
}

export async function listProblems(ctx: TRunnerContext, query: URLSearchParams): Promise<TApiResponse> {
  const res = await ctx.pool.query(
    "SELECT id, at, kind, message, run_id, function_id FROM problems ORDER BY id DESC LIMIT $1",
    [clampLimit(query.get("limit"), 100, 1000)],
  );
  return { status: 200, body: { data: res.rows } };
}

/**
 * `GET /v0/runs/:id/actions` — memoized step data, same shape as `steps` in a call request, keyed in
 * completion order: `use_api` calls carry an empty stack, so the SDK takes the order from these keys.
 */
export async function getRunActions(ctx: TRunnerContext, runId: string): Promise<TApiResponse> {
  return { status: 200, body: (await loadRunMemo(ctx.pool, runId)).steps };
}

/** `GET /v0/runs/:id/batch` — the run's events. */
export async function getRunBatch(ctx: TRunnerContext, runId: string): Promise<TApiResponse> {
  const res = await ctx.pool.query<{ events: TEvent[] }>("SELECT events FROM runs WHERE id = $1", [runId]);
  const run = res.rows[0];
  return run
    ? { status: 200, body: run.events }
    : { status: 404, body: { error: `run ${runId} not found`, status: 404 } };
}

/** `GET /dev` — what the official dev server answers (DevServerInfo in the SDK's types). */
export async function getDevInfo(ctx: TRunnerContext, urls: string[]): Promise<TApiResponse> {
  const apps = await ctx.pool.query<{
    id: string;
    url: string;
    sdk: string | null;
    framework: string | null;
    functions: unknown;
  }>("SELECT id, url, sdk, framework, functions FROM apps ORDER BY id");
  return {
    status: 200,
    body: {
      version: "revbridge-local-runner",
      authed: false,
      startOpts: { autodiscover: false, urls },
      functions: ctx.registry.all().map((f) => f.raw),
      handlers: apps.rows.map((a) => ({
        url: a.url,
        appName: a.id,
        sdk: a.sdk,
        framework: a.framework,
        functions: a.functions,
        v: "0.1",
        deployType: "ping",
      })),
    },
  };
}
