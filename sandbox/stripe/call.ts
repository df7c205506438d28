/**
 * The shape every Stripe endpoint handler is written against, independent of the HTTP server:
 * parsed parameters, path params, and the request identity that events record.
 */
import type { ParamReader } from "./params";
import type { TEventRequest } from "./state";

export interface TStripeCall {
  method: string;
  path: string;
  /** The form body for POST; the query string for GET and DELETE (as the SDK sends them). */
  params: ParamReader;
  pathParams: Readonly<Record<string, string>>;
  /** Goes into `event.request` of every event this call produces. */
  request: TEventRequest;
}

export interface TStripeReply {
  status?: number;
  body: unknown;
}

export interface TStripeRoute {
  method: "GET" | "POST" | "DELETE";
  path: string;
  handler: (call: TStripeCall) => TStripeReply;
  /** POST endpoints that only read (none in v1 except search-like ones) set false. */
  write?: boolean;
}

/** Path parameter by name; the router guarantees it exists for the matched pattern. */
export function pathParam(call: TStripeCall, name: string): string {
  const v = call.pathParams[name];
  if (v === undefined) throw new Error(`route has no :${name} parameter`);
  return v;
}
