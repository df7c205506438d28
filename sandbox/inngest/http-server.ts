import http from "node:http";
import {
  cancelRunById,
  getDevInfo,
  getRun,
  getRunActions,
  getRunBatch,
  listEventRuns,
  listEvents,
  listFunctions,
  listProblems,
  listRuns,
  type TApiResponse,
} from "./api";
import type { TRunnerContext } from "./context";
import { EventValidationError, normalizeEvents } from "./ingest";
import { IngestQueue } from "./ingest-queue";
import { describeError } from "./log";
import { registerApp } from "./register";

/**
 * The runner's HTTP surface, where the official dev server has it: `POST /e/:key` (events),
 * `POST /fn/register` (syncs), `GET /dev`, the SDK's `/v0/runs/*` and the JSON API under `/v1`.
 */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "body is not valid JSON");
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function handleEvents(
  ctx: TRunnerContext,
  ingestQueue: IngestQueue,
  req: http.IncomingMessage,
): Promise<TApiResponse> {
  let body: unknown;
  try {
    body = await readJson(req);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.recordProblem({ kind: "event", message });
    return {
      status: err instanceof HttpError ? err.status : 400,
      body: { ids: [], status: 400, error: message },
    };
  }
  const seed = req.headers["x-inngest-event-id-seed"];
  let events;
  try {
    events = normalizeEvents(body, typeof seed === "string" ? seed : undefined, ctx.clock.now());
  } catch (err) {
    if (!(err instanceof EventValidationError)) throw err;
    ctx.recordProblem({ kind: "event", message: err.message });
    return { status: 400, body: { ids: [], status: 400, error: err.message } };
  }
  await ingestQueue.submit(events);
  ctx.log.debug("events.accepted", { count: events.length, first: events[0]?.event.name });
  return { status: 200, body: { ids: events.map((e) => e.internalId), status: 200 } };
}

async function handleRegister(ctx: TRunnerContext, req: http.IncomingMessage): Promise<TApiResponse> {
  const outcome = await registerApp(ctx, await readJson(req));
  if (outcome.ok) return { status: 200, body: { ok: true, modified: outcome.modified, status: 200 } };
  ctx.recordProblem({ kind: "register", message: outcome.error });
  return { status: 400, body: { status: 400, error: outcome.error } };
}

type TRoute = [
  method: string,
  pattern: RegExp,
  handler: (
    ctx: TRunnerContext,
    req: http.IncomingMessage,
    params: string[],
    query: URLSearchParams,
  ) => Promise<TApiResponse>,
];

/** `executing`: this runner leads its database; `synced`: every configured app URL has been synced. */
export type THealth = () => { executing: boolean; synced: boolean };

export function createRoutes(ctx: TRunnerContext, appUrls: string[], health: THealth): TRoute[] {
  const ingestQueue = new IngestQueue(ctx);
  return [
    ["POST", /^\/e\/([^/]+)$/, (_ctx, req) => handleEvents(ctx, ingestQueue, req)],
    ["POST", /^\/fn\/register$/, (ctx, req) => handleRegister(ctx, req)],
    ["GET", /^\/dev$/, (ctx) => getDevInfo(ctx, appUrls)],
    // `executing` is false while another runner leads this database (this one then only accepts events);
    // `synced` is false until the RUNNER_APP_URLS apps are synced (events before that start nothing).
    ["GET", /^\/health$/, () => Promise.resolve({ status: 200, body: { status: "ok", ...health() } })],
    [
      "GET",
      /^\/v0\/runs\/([^/]+)\/actions$/,
      (ctx, _req, [id]) => {
        ctx.log.debug("sdk.fetch_steps", { run: id });
        return getRunActions(ctx, id ?? "");
      },
    ],
    ["GET", /^\/v0\/runs\/([^/]+)\/batch$/, (ctx, _req, [id]) => getRunBatch(ctx, id ?? "")],
    ["GET", /^\/v1\/runs$/, (ctx, _req, _p, q) => listRuns(ctx, q)],
    ["GET", /^\/v1\/runs\/([^/]+)$/, (ctx, _req, [id]) => getRun(ctx, id ?? "")],
    ["DELETE", /^\/v1\/runs\/([^/]+)$/, (ctx, _req, [id]) => cancelRunById(ctx, id ?? "")],
    ["GET", /^\/v1\/events$/, (ctx, _req, _p, q) => listEvents(ctx, q)],
    ["GET", /^\/v1\/events\/([^/]+)\/runs$/, (ctx, _req, [id]) => listEventRuns(ctx, id ?? "")],
    ["GET", /^\/v1\/functions$/, (ctx) => listFunctions(ctx)],
    ["GET", /^\/v1\/errors$/, (ctx, _req, _p, q) => listProblems(ctx, q)],
  ];
}

export function createHttpServer(ctx: TRunnerContext, routes: TRoute[]): http.Server {
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://runner.local");
    const match = routes
      .map(([method, pattern, handler]) => ({ method, handler, m: pattern.exec(url.pathname) }))
      .filter((r) => r.m !== null);
    const route = match.find((r) => r.method === req.method);
    if (!route?.m) {
      send(res, match.length > 0 ? 405 : 404, {
        error: match.length > 0 ? "method not allowed" : `no route for ${req.method} ${url.pathname}`,
      });
      return;
    }
    const params = route.m.slice(1).map((p) => decodeURIComponent(p));
    route
      .handler(ctx, req, params, url.searchParams)
      .then((out) => send(res, out.status, out.body))
      .catch((err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        if (status >= 500)
          ctx.log.error("http.error", { method: req.method, path: url.pathname, error: describeError(err) });
        send(res, status, { status, error: err instanceof Error ? err.message : String(err) });
      });
  });
}
