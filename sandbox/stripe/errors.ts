/**
 * Stripe's v1 error bodies and statuses (https://docs.stripe.com/api/errors):
 * `{ error: { type, code?, message, param?, doc_url?, request_log_url? } }`.
 * Handlers throw `StripeApiError`; the server turns it into the response (see respond.ts).
 */
export type TStripeErrorType = "api_error" | "card_error" | "idempotency_error" | "invalid_request_error";

export interface TStripeErrorBody {
  type: TStripeErrorType;
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
  request_log_url?: string;
  /** Card errors carry the object that failed, e.g. the payment intent. */
  payment_intent?: unknown;
}

export class StripeApiError extends Error {
  override name = "StripeApiError";
  constructor(
    readonly status: number,
    readonly body: TStripeErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replaceAll("_", "-")}`;
}

export function missingParam(param: string): StripeApiError {
  return new StripeApiError(400, {
    type: "invalid_request_error",
    code: "parameter_missing",
    message: `Missing required param: ${param}.`,
    param,
    doc_url: docUrl("parameter_missing"),
  });
}

export function unknownParam(param: string): StripeApiError {
  return new StripeApiError(400, {
    type: "invalid_request_error",
    code: "parameter_unknown",
    message: `Received unknown parameter: ${param}`,
    param,
    doc_url: docUrl("parameter_unknown"),
  });
}

export function invalidParam(param: string, message: string, code?: string): StripeApiError {
  return new StripeApiError(400, {
    type: "invalid_request_error",
    message,
    param,
    ...(code ? { code, doc_url: docUrl(code) } : {}),
  });
}

/** `No such customer: 'cus_123'` — Stripe's 404 for an id that does not exist (or was deleted). */
export function resourceMissing(noun: string, id: string, param = "id"): StripeApiError {
  return new StripeApiError(404, {
    type: "invalid_request_error",
    code: "resource_missing",
    message: `No such ${noun}: '${id}'`,
    param,
    doc_url: docUrl("resource_missing"),
  });
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return new StripeApiError(404, {
    type: "invalid_request_error",
    message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  });
}

export function invalidState(message: string, code = "resource_invalid_state"): StripeApiError {
  return new StripeApiError(400, { type: "invalid_request_error", code, message, doc_url: docUrl(code) });
}

export function idempotencyMismatch(key: string): StripeApiError {
  return new StripeApiError(400, {
    type: "idempotency_error",
    message:
      `Keys for idempotent requests can only be used with the same parameters they were first used with. ` +
      `Try using a key other than '${key}' if you meant to execute a different request.`,
  });
}

/** A request still executing under the same key (Stripe answers 409 and the SDK retries). */
export function idempotencyInFlight(): StripeApiError {
  return new StripeApiError(409, {
    type: "idempotency_error",
    code: "idempotency_key_in_use",
    message:
      "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): please retry in a few seconds.",
    doc_url: docUrl("idempotency_key_in_use"),
  });
}

export function missingApiKey(): StripeApiError {
  return new StripeApiError(401, {
    type: "invalid_request_error",
    message:
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth " +
      "(e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, " +
      "or we can help at https://support.stripe.com/.",
  });
}

/** Stripe echoes only a redacted form of the key it refused. */
export function invalidApiKey(key: string): StripeApiError {
  const redacted =
    key.length > 12
      ? `${key.slice(0, 8)}${"*".repeat(Math.min(20, key.length - 12))}${key.slice(-4)}`
      : "****";
  return new StripeApiError(401, {
    type: "invalid_request_error",
    code: "api_key_invalid",
    message: `Invalid API Key provided: ${redacted}`,
  });
}

/** The SDK retries a 429 only when told to; Stripe says so for rate limits. */
export function rateLimited(): StripeApiError {
  return new StripeApiError(
    429,
    {
      type: "invalid_request_error",
      code: "rate_limit",
      message:
        "Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.",
      doc_url: docUrl("rate_limit"),
    },
    { "Stripe-Should-Retry": "true" },
  );
}

export function apiError(status: 500 | 503): StripeApiError {
  return new StripeApiError(status, {
    type: "api_error",
    message:
      status === 503
        ? "Stripe is temporarily unavailable. Please try again later."
        : "An unknown error occurred. Please try again later or contact support.",
  });
}

/** A declined card: 402 with the failed object attached, as Stripe answers a failed confirmation. */
export function cardDeclined(
  declineCode: string,
  paymentIntent: unknown,
  message = "Your card was declined.",
): StripeApiError {
  return new StripeApiError(402, {
    type: "card_error",
    code: "card_declined",
    decline_code: declineCode,
    message,
    doc_url: docUrl("card_declined"),
    payment_intent: paymentIntent,
  });
}
