/**
 * Mounts the Stripe handlers on the core stand-in: Stripe's headers on every answer (`Request-Id`,
 * `Stripe-Version`), API-key auth, the per-key rate limit, form/query parsing, idempotency and error bodies.
 */
import { timingSafeEqual } from "node:crypto";
import {
  HttpResponseError,
  createRateLimiter,
  jsonResponse,
  type TErrorWriters,
  type TMiddleware,
  type TRoute,
  type TStandInRequest,
  type TStandInResponse,
} from "@/sandbox/core";
import type { TStripeRoute } from "./call";
import {
  StripeApiError,
  apiError,
  invalidApiKey,
  missingApiKey,
  rateLimited,
  unrecognizedUrl,
} from "./errors";
import { FormBodyError, canonicalizeForm, parseFormBody } from "./form-body";
import { generateId } from "./ids";
import type { TIdempotencyStore, TSavedResult } from "./idempotency";
import { ParamReader } from "./params";

/** The version the pinned `stripe` SDK (23.1) sends; events are rendered in it. */
export const DEFAULT_API_VERSION = "2026-10-28.endive";

const REQUEST_ID = "stripe.requestId";

export type TStripeHttpSettings = {
  /** Pins one exact secret key; otherwise any well-formed test key is accepted. */
  apiKey: string | null;
  /** Operations per second per key before 429 (Stripe's default live limit is 100). */
  rateLimitPerSecond: number;
};

function requestIdOf(req: TStandInRequest): string {
  let id = req.locals.get(REQUEST_ID) as string | undefined;
  if (!id) {
    id = generateId("req").slice(0, 18);
    req.locals.set(REQUEST_ID, id);
  }
  return id;
}

function commonHeaders(req: TStandInRequest): Record<string, string> {
  return {
    "Request-Id": requestIdOf(req),
    "Stripe-Version": req.header("stripe-version") ?? DEFAULT_API_VERSION,
  };
}

/** Renders a StripeApiError as Stripe does, with a (sandbox) request log link. */
export function errorResponse(req: TStandInRequest, error: StripeApiError): TStandInResponse {
  const requestId = requestIdOf(req);
  return jsonResponse(
    error.status,
    { error: { ...error.body, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}` } },
    { ...commonHeaders(req), ...error.headers },
  );
}

export const stripeErrorWriters: TErrorWriters = {
  notFound: (req) => errorResponse(req, unrecognizedUrl(req.method, req.path)),
  internal: (req, status) => errorResponse(req, apiError(status)),
  rateLimited: (req) => errorResponse(req, rateLimited()),
  badRequest: (req, message) =>
    errorResponse(req, new StripeApiError(400, { type: "invalid_request_error", message })),
};

/** Bearer (what the SDK sends) or Basic with the key as user name (what `curl -u sk_test_…:` sends). */
function readApiKey(req: TStandInRequest): string | undefined {
  const auth = req.header("authorization");
  if (!auth) return undefined;
  const bearer = /^Bearer\s+(.+)$/i.exec(auth);
  if (bearer) return bearer[1]!.trim();
  const basic = /^Basic\s+(.+)$/i.exec(auth);
  if (basic) return Buffer.from(basic[1]!, "base64").toString("utf8").split(":")[0];
  return "";
}

function sameKey(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createStripeMiddleware(settings: () => TStripeHttpSettings) {
  const limiter = createRateLimiter({
    windows: [{ name: "per_second", limit: settings().rateLimitPerSecond, intervalMs: 1_000 }],
  });

  const headers: TMiddleware = async (req, next) => {
    const res = await next();
    return { ...res, headers: { ...commonHeaders(req), ...res.headers } };
  };

  const authenticate: TMiddleware = (req, next) => {
    const key = readApiKey(req);
    if (key === undefined) throw new HttpResponseError(errorResponse(req, missingApiKey()));
    const pinned = settings().apiKey;
    const valid = pinned ? sameKey(key, pinned) : /^(sk|rk)_test_[A-Za-z0-9]{8,}$/.test(key);
    if (!valid) throw new HttpResponseError(errorResponse(req, invalidApiKey(key)));
    req.locals.set("stripe.apiKey", key);
    return next();
  };

  const limitRate: TMiddleware = (req, next) => {
    const verdict = limiter.take(String(req.locals.get("stripe.apiKey")));
    if (!verdict.allowed) throw new HttpResponseError(errorResponse(req, rateLimited()));
    return next();
  };

  return {
    middleware: [headers, authenticate, limitRate],
    setRateLimit: (perSecond: number) => limiter.configure("per_second", { limit: perSecond }),
    resetLimiter: () => limiter.reset(),
  };
}

/** Validation failures are not saved under an idempotency key (Stripe lets the client fix and retry). */
function isValidationFailure(result: TSavedResult): boolean {
  const body = result.body as { error?: { type?: string } };
  return result.status === 400 && body.error?.type === "invalid_request_error";
}

export function mountStripeRoute(route: TStripeRoute, idempotency: TIdempotencyStore): TRoute {
  return {
    method: route.method,
    path: route.path,
    write: route.write,
    handler: (req) => {
      const requestId = requestIdOf(req);
      let parsed;
      try {
        parsed = parseFormBody(route.method === "POST" ? req.text() : req.query);
      } catch (error) {
        if (error instanceof FormBodyError) {
          return errorResponse(
            req,
            new StripeApiError(400, {
              type: "invalid_request_error",
              message: error.message,
              param: error.param,
            }),
          );
        }
        throw error;
      }
      const idempotencyKey = route.method === "POST" ? req.header("idempotency-key") : undefined;
      const execute = (): TSavedResult => {
        try {
          const reply = route.handler({
            method: route.method,
            path: req.path,
            params: new ParamReader(parsed),
            pathParams: req.params,
            request: { id: requestId, idempotency_key: idempotencyKey ?? null },
          });
          return { status: reply.status ?? 200, body: reply.body, headers: {} };
        } catch (error) {
          if (!(error instanceof StripeApiError)) throw error;
          const res = errorResponse(req, error);
          return { status: res.status, body: res.body, headers: res.headers ?? {} };
        }
      };
      if (idempotencyKey === undefined) return answer(execute());
      let decision;
      try {
        decision = idempotency.begin(
          idempotencyKey,
          `${route.method} ${req.path} ${canonicalizeForm(parsed)}`,
        );
      } catch (error) {
        if (error instanceof StripeApiError) return errorResponse(req, error);
        throw error;
      }
      const keyHeader = { "Idempotency-Key": idempotencyKey };
      if (decision.kind === "replay") {
        const saved = decision.result;
        return answer(saved, {
          ...keyHeader,
          "Idempotent-Replayed": "true",
          "Original-Request": saved.headers["Request-Id"] ?? "",
        });
      }
      let result: TSavedResult | undefined;
      try {
        result = execute();
        result.headers = { ...result.headers, "Request-Id": requestId };
        return answer(result, keyHeader);
      } finally {
        decision.complete(
          result ?? { status: 500, body: null, headers: {} },
          result !== undefined && !isValidationFailure(result),
        );
      }
    },
  };
}

function answer(result: TSavedResult, extra: Record<string, string> = {}): TStandInResponse {
  const { ["Request-Id"]: _original, ...headers } = result.headers;
  void _original;
  return jsonResponse(result.status, result.body, { ...headers, ...extra });
}
