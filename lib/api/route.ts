import "server-only";
import type { z } from "zod";
import { requireStaff, type TStaff } from "@/lib/auth/session";
import type { Role } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/logger";
import { assertStorableUrlText, readJsonBody } from "@/lib/api/body";
import { verifyApiKey, type TApiKeyScope, type TVerifiedApiKey } from "@/lib/api-keys/keys";
import { assertSameOrigin } from "@/lib/api/csrf";
import { errorResponse, json } from "@/lib/api/respond";

type RouteParams = Record<string, string | string[] | undefined>;

interface ConsoleRouteOptions<TBody extends z.ZodType | undefined> {
  /** Minimum role; every console route needs at least a session (VIEWER). */
  role?: Role;
  /** zod schema for the JSON body (mutations). */
  body?: TBody;
}

interface ConsoleRouteContext<TBody> {
  request: Request;
  staff: TStaff;
  params: RouteParams;
  body: TBody;
}

/**
 * The one wrapper for console API route handlers: session → role → CSRF (mutations) → zod body →
 * handler → JSON. Errors become `{ error: { code, message, details? } }` with the mapped status.
 */
export function consoleRoute<TBody extends z.ZodType | undefined = undefined>(
  options: ConsoleRouteOptions<TBody>,
  handler: (
    ctx: ConsoleRouteContext<TBody extends z.ZodType ? z.infer<TBody> : undefined>,
  ) => Promise<unknown>,
) {
  return async (request: Request, context: { params: Promise<RouteParams> }): Promise<Response> => {
    const started = Date.now();
    const path = new URL(request.url).pathname;
    try {
      const staff = await requireStaff(options.role ?? "VIEWER");
      if (request.method !== "GET" && request.method !== "HEAD") assertSameOrigin(request);
      const params = (await context.params) ?? {};
      assertStorableUrlText(new URL(request.url), params);
      const body = options.body ? await readJsonBody(request, options.body) : undefined;
      const result = await handler({ request, staff, params, body: body as never });
      return result instanceof Response ? result : json(result ?? { ok: true });
    } catch (error) {
      if (!(error instanceof AppError)) {
        log.error("api.unhandled", { path, method: request.method, error, ms: Date.now() - started });
      }
      return errorResponse(error);
    }
  };
}

/**
 * For routes without a console session (provider webhooks, API-key endpoints): the handler returns
 * a JSON-able result or a Response; AppError → its status; anything else → 500, logged with the path.
 */
export function publicRoute(handler: (request: Request) => Promise<unknown>) {
  return async (request: Request): Promise<Response> => {
    try {
      const result = await handler(request);
      return result instanceof Response ? result : json(result ?? { ok: true });
    } catch (error) {
      if (error instanceof AppError) {
        log.warn("api.refused", {
          path: new URL(request.url).pathname,
          code: error.code,
          message: error.message,
        });
      } else {
        log.error("api.unhandled", { path: new URL(request.url).pathname, method: request.method, error });
      }
      return errorResponse(error);
    }
  };
}

interface ApiKeyRouteOptions<TBody extends z.ZodType | undefined> {
  scope: TApiKeyScope;
  /** zod schema for the JSON body; omit to read the body yourself (batches with per-item results). */
  body?: TBody;
  /** Body limit in bytes, enforced before parsing (default 64 KiB). */
  bodyLimit?: number;
}

interface ApiKeyRouteContext<TBody> {
  request: Request;
  apiKey: TVerifiedApiKey;
  params: RouteParams;
  body: TBody;
}

/**
 * For `/api/v1/*` and other machine endpoints: API key (Bearer) with a scope → zod body → handler.
 * Same error shape and logging as the console routes; no CSRF check (no cookies are involved).
 */
export function apiKeyRoute<TBody extends z.ZodType | undefined = undefined>(
  options: ApiKeyRouteOptions<TBody>,
  handler: (
    ctx: ApiKeyRouteContext<TBody extends z.ZodType ? z.infer<TBody> : undefined>,
  ) => Promise<unknown>,
) {
  return async (request: Request, context?: { params: Promise<RouteParams> }): Promise<Response> => {
    const path = new URL(request.url).pathname;
    try {
      const apiKey = await verifyApiKey(request, options.scope);
      const params = (await context?.params) ?? {};
      assertStorableUrlText(new URL(request.url), params);
      const body = options.body ? await readJsonBody(request, options.body, options.bodyLimit) : undefined;
      const result = await handler({ request, apiKey, params, body: body as never });
      return result instanceof Response ? result : json(result ?? { ok: true });
    } catch (error) {
      if (error instanceof AppError) {
        log.warn("api.refused", { path, code: error.code, message: error.message });
      } else {
        log.error("api.unhandled", { path, method: request.method, error });
      }
      return errorResponse(error);
    }
  };
}
