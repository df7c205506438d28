import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createCounters, type TCounters } from "./counters";
import { createFaultInjector, type TFaultInjector, type TFaultSettingsInput } from "./faults";
import {
  BodyParseError,
  HttpResponseError,
  type TErrorWriters,
  type TMiddleware,
  type TRoute,
  type TStandInRequest,
  type TStandInResponse,
} from "./http-types";
import { BodyTooLargeError, buildRequest, encodeResponse, readRawBody } from "./request";
import { createRouter } from "./router";
import { createControlRoutes } from "./control-routes";
import type { TWebhookDeliverer } from "./webhook-deliverer";

export interface TStandInOptions {
  /** Short provider name, used in logs and ids: `hubspot`, `stripe`… */
  name: string;
  /** Defaults to 127.0.0.1: stand-ins are for this machine only. */
  host?: string;
  /** 0 (the default) picks a free port, for tests running in-process. */
  port?: number;
  routes: TRoute[];
  /** Provider-specific control endpoints; their paths must start with `/__sandbox/`. */
  controlRoutes?: TRoute[];
  /** Run around provider route handlers, outermost first (auth, rate limits, common headers). */
  middleware?: TMiddleware[];
  errors: TErrorWriters;
  /** Exposed under `/__sandbox/webhooks`, cleared by reset, closed with the server. */
  webhooks?: TWebhookDeliverer;
  /** Clears the provider's data; called by `POST /__sandbox/reset` after counters and faults. */
  onReset?: () => void;
  /** Body of `GET /__sandbox/state` (404 when absent). */
  getState?: () => unknown;
  faults?: TFaultSettingsInput;
  /** One line per unexpected error; default stderr. */
  log?: (line: string) => void;
}

export interface TStandIn {
  name: string;
  url: string;
  host: string;
  port: number;
  faults: TFaultInjector;
  webhooks?: TWebhookDeliverer;
  counters(): TCounters;
  reset(): void;
  close(): Promise<void>;
}

const CONTROL_PREFIX = "/__sandbox/";

export async function createStandIn(options: TStandInOptions): Promise<TStandIn> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? ((line: string) => console.error(line));
  const counters = createCounters();
  const faults = createFaultInjector(options.faults);
  const router = createRouter(options.routes);
  const middleware = options.middleware ?? [];
  const hangTimers = new Set<NodeJS.Timeout>();

  for (const r of options.controlRoutes ?? []) {
    if (!r.path.startsWith(CONTROL_PREFIX))
      throw new Error(`control route ${r.path} must start with ${CONTROL_PREFIX}`);
  }

  function reset(): void {
    counters.reset();
    faults.reset();
    options.webhooks?.reset();
    options.onReset?.();
  }

  const controlRouter = createRouter([
    ...createControlRoutes({
      name: options.name,
      counters,
      faults,
      reset,
      webhooks: options.webhooks,
      getState: options.getState,
    }),
    ...(options.controlRoutes ?? []),
  ]);

  async function handleControl(req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
    const m = controlRouter.match(req.method ?? "GET", url.pathname);
    const rawBody = await readRawBody(req);
    if (!m || "methodNotAllowed" in m) {
      return send(res, { status: 404, body: { error: `no control endpoint ${req.method} ${url.pathname}` } });
    }
    const request = buildRequest({ req, url, rawBody, route: m.id, params: m.params });
    send(res, await runSafely(request, () => m.route.handler(request), controlErrorWriters));
  }

  async function handleProvider(req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
    const m = router.match(req.method ?? "GET", url.pathname);
    const matched = m && !("methodNotAllowed" in m) ? m : null;
    const routeId = matched?.id ?? "unmatched";
    const isWrite = matched
      ? (matched.route.write ?? !["GET", "HEAD"].includes(matched.route.method))
      : false;
    counters.recordRequest(routeId);
    const rawBody = await readRawBody(req);
    const request = buildRequest({ req, url, rawBody, route: routeId, params: matched?.params ?? {} });

    const decision = faults.decide(url.pathname);
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    if (decision.kind) counters.recordFault(decision.kind);
    switch (decision.kind) {
      case "timeout":
        return hangThenDrop(req.socket, faults.current().timeoutHangMs);
      case "reset":
        counters.recordDropped();
        return resetSocket(req.socket);
      case "paused":
      case "503":
        return finish(res, options.errors.internal(request, 503), isWrite);
      case "500":
        return finish(res, options.errors.internal(request, 500), isWrite);
      case "429":
        return finish(res, options.errors.rateLimited(request), isWrite);
      case null:
        break;
    }

    if (!matched) return finish(res, options.errors.notFound(request), false);
    const run = (i: number): Promise<TStandInResponse> => {
      const mw = middleware[i];
      if (!mw) return Promise.resolve(matched.route.handler(request));
      return Promise.resolve(mw(request, () => run(i + 1)));
    };
    finish(res, await runSafely(request, () => run(0), options.errors), isWrite);
  }

  async function runSafely(
    request: TStandInRequest,
    fn: () => TStandInResponse | Promise<TStandInResponse>,
    errors: Pick<TErrorWriters, "internal" | "badRequest">,
  ): Promise<TStandInResponse> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof HttpResponseError) return error.response;
      if (error instanceof BodyParseError) {
        return errors.badRequest?.(request, error.message) ?? errors.internal(request, 500);
      }
      log(
        `[sandbox:${options.name}] 500 ${request.method} ${request.path} (${request.route}): ${describe(error)}`,
      );
      return errors.internal(request, 500);
    }
  }

  function finish(res: ServerResponse, answer: TStandInResponse, isWrite: boolean): void {
    counters.recordStatus(answer.status, isWrite);
    send(res, answer);
  }

  function hangThenDrop(socket: Socket, ms: number): void {
    const timer = setTimeout(() => {
      hangTimers.delete(timer);
      counters.recordDropped();
      socket.destroy();
    }, ms);
    hangTimers.add(timer);
    socket.once("close", () => {
      clearTimeout(timer);
      hangTimers.delete(timer);
    });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? host}`);
    const handle = url.pathname.startsWith(CONTROL_PREFIX) ? handleControl : handleProvider;
    handle(req, url, res).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) {
        return send(res, { status: 413, body: { error: "body too large" } }, true);
      }
      log(`[sandbox:${options.name}] failed ${req.method} ${url.pathname}: ${describe(error)}`);
      if (!res.headersSent) send(res, { status: 500, body: { error: "sandbox failure" } }, true);
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    name: options.name,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    host,
    port,
    faults,
    webhooks: options.webhooks,
    counters: () => counters.snapshot(),
    reset,
    async close() {
      for (const t of hangTimers) clearTimeout(t);
      hangTimers.clear();
      options.webhooks?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

const controlErrorWriters: Pick<TErrorWriters, "internal" | "badRequest"> = {
  internal: (_req, status) => ({ status, body: { error: "control endpoint failed" } }),
  badRequest: (_req, message) => ({ status: 400, body: { error: message } }),
};

function send(res: ServerResponse, answer: TStandInResponse, close = false): void {
  if (res.destroyed || res.headersSent) return;
  const { headers, payload } = encodeResponse(answer);
  if (close) headers["connection"] = "close";
  res.writeHead(answer.status, headers);
  res.end(payload);
}

function resetSocket(socket: Socket): void {
  // A TCP RST is what clients see when a provider's load balancer drops them; destroy() would be a FIN.
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
  else socket.destroy();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
