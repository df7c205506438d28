import type { IncomingHttpHeaders } from "node:http";

/** What a handler sees: the parsed URL, path params and the raw body with lazy parsers. */
export interface TStandInRequest {
  readonly id: string;
  readonly method: string;
  /** Path without the query string, e.g. `/crm/v3/objects/contacts/12`. */
  readonly path: string;
  readonly url: URL;
  readonly query: URLSearchParams;
  /** Values of `:name` segments of the matched route pattern (URI-decoded). */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** The matched route id, `METHOD /pattern`, or `unmatched`. */
  readonly route: string;
  readonly receivedAt: number;
  /** Exactly the bytes the client sent, for signature checks and provider-specific parsing. */
  readonly rawBody: Buffer;
  /** Scratch space for middleware to hand values to handlers (e.g. the authenticated account). */
  readonly locals: Map<string, unknown>;
  /** First value of a header, case-insensitive. */
  header(name: string): string | undefined;
  text(): string;
  /** Throws BodyParseError on invalid JSON; an empty body parses as `undefined`. */
  json<T = unknown>(): T;
  form(): URLSearchParams;
  /** Generic XML → object (fast-xml-parser, tag values kept as strings); throws BodyParseError. */
  xml(): Record<string, unknown>;
}

/**
 * What a handler returns. `body`: a plain value is sent as JSON, a string as text, a Buffer as bytes,
 * `undefined` as an empty body.
 */
export interface TStandInResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Overrides the content type chosen from the body kind. */
  contentType?: string;
}

export type THandler = (req: TStandInRequest) => TStandInResponse | Promise<TStandInResponse>;

/** Koa-style: runs around the handler of every provider route, e.g. auth, rate limits, common headers. */
export type TMiddleware = (
  req: TStandInRequest,
  next: () => Promise<TStandInResponse>,
) => TStandInResponse | Promise<TStandInResponse>;

export interface TRoute {
  method: string;
  /** `/crm/v3/objects/:objectType/:objectId`; static segments win over params when both match. */
  path: string;
  handler: THandler;
  /**
   * Counted in `writes` when it answers 2xx. Defaults to true for non-GET/HEAD methods; set false for
   * POST endpoints that only read (searches, batch reads).
   */
  write?: boolean;
}

/** The provider's own answer shapes, so even faults and crashes look like the real service. */
export interface TErrorWriters {
  notFound(req: TStandInRequest): TStandInResponse;
  /** A thrown error; the message here is for the client, never a stack. */
  internal(req: TStandInRequest, status: 500 | 503): TStandInResponse;
  /** The injected 429 (providers' own limiters answer 429 through their middleware). */
  rateLimited(req: TStandInRequest): TStandInResponse;
  /** A body the helpers could not parse. Defaults to `internal(req, 500)` when absent. */
  badRequest?(req: TStandInRequest, message: string): TStandInResponse;
}

/** Throw from a handler or middleware to answer with a ready response (e.g. a validation error). */
export class HttpResponseError extends Error {
  override name = "HttpResponseError";
  constructor(readonly response: TStandInResponse) {
    super(`HTTP ${response.status}`);
  }
}

export class BodyParseError extends Error {
  override name = "BodyParseError";
}

export function jsonResponse(
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): TStandInResponse {
  return { status, body, headers, contentType: "application/json;charset=utf-8" };
}

export function textResponse(
  status: number,
  body: string,
  contentType = "text/plain;charset=utf-8",
  headers?: Record<string, string>,
): TStandInResponse {
  return { status, body, contentType, headers };
}

export function emptyResponse(status = 204, headers?: Record<string, string>): TStandInResponse {
  return { status, headers };
}
