import { randomUUID } from "node:crypto";
import { HttpResponseError, jsonResponse, type TErrorWriters, type TStandInResponse } from "../core";

/**
 * HubSpot's error bodies. CRM APIs answer `{status:"error", message, correlationId, category, …}`; the
 * rate limiter answers with `errorType`/`policyName` instead of `category`. Messages follow the wording
 * HubSpot is seen to send where it is known (see README for which ones are guesses).
 */
export type THubspotCategory =
  | "VALIDATION_ERROR"
  | "OBJECT_NOT_FOUND"
  | "CONFLICT"
  | "OBJECT_ALREADY_EXISTS"
  | "INVALID_AUTHENTICATION"
  | "MISSING_SCOPES"
  | "RATE_LIMITS"
  | "INTERNAL_ERROR"
  | "SERVICE_UNAVAILABLE";

export interface THubspotErrorBody {
  status: "error";
  message: string;
  correlationId: string;
  category: THubspotCategory;
  subCategory?: string;
  context?: Record<string, string[]>;
  errors?: { message: string; code?: string; context?: Record<string, string[]> }[];
  links?: Record<string, string>;
}

export function createCorrelationId(): string {
  return randomUUID();
}

export function hubspotError(
  status: number,
  category: THubspotCategory,
  message: string,
  extra: Partial<Pick<THubspotErrorBody, "subCategory" | "context" | "errors" | "links">> = {},
): TStandInResponse {
  const body: THubspotErrorBody = {
    status: "error",
    message,
    correlationId: createCorrelationId(),
    category,
    ...extra,
  };
  return jsonResponse(status, body);
}

/** Throwable form, so deep validation code can stop a request with HubSpot's answer. */
export function failWith(response: TStandInResponse): never {
  throw new HttpResponseError(response);
}

export function validationError(
  message: string,
  extra?: Parameters<typeof hubspotError>[3],
): TStandInResponse {
  return hubspotError(400, "VALIDATION_ERROR", message, extra);
}

export const MAX_BATCH_INPUTS = 100;
/** Associations batch read (v3 and v4): 1,000 records a request since February 2025 (developer changelog). */
export const MAX_ASSOCIATION_READ_INPUTS = 1000;

export function batchTooLarge(max = MAX_BATCH_INPUTS): TStandInResponse {
  return validationError(
    `The maximum number of inputs supported in a batch is ${max}. Please reduce the number of items and try again`,
  );
}

/** What HubSpot's JSON binder says when a required field is missing or the body is not JSON. */
export function invalidInput(detail: string): TStandInResponse {
  return validationError(`Invalid input JSON on line 1, column 1: ${detail}`);
}

export function objectNotFound(id?: string): TStandInResponse {
  return hubspotError(404, "OBJECT_NOT_FOUND", "resource not found", id ? { context: { id: [id] } } : {});
}

export function unauthorized(): TStandInResponse {
  return hubspotError(
    401,
    "INVALID_AUTHENTICATION",
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
  );
}

/** One entry of the JSON list HubSpot embeds in `Property values were not valid: [...]`. */
export interface TPropertyProblem {
  isValid: false;
  message: string;
  error: string;
  name: string;
  localizedErrorMessage: string;
  portalId: number;
}

export function propertyProblem(
  portalId: number,
  name: string,
  error: string,
  message: string,
): TPropertyProblem {
  return { isValid: false, message, error, name, localizedErrorMessage: message, portalId };
}

export function invalidPropertyValues(problems: TPropertyProblem[]): TStandInResponse {
  return validationError(`Property values were not valid: ${JSON.stringify(problems)}`);
}

/** A batch item's error inside a 207 multi-status answer (HubSpot's StandardError). */
export interface TStandardError {
  status: "error";
  category: string;
  subCategory?: string;
  message: string;
  context: Record<string, string[]>;
  errors: { message: string; code?: string }[];
  links: Record<string, string>;
}

export function standardError(
  category: string,
  message: string,
  context: Record<string, string[]>,
  subCategory?: string,
): TStandardError {
  return {
    status: "error",
    category,
    ...(subCategory ? { subCategory } : {}),
    message,
    context,
    errors: [],
    links: {},
  };
}

/** The provider-shaped answers the core uses for unknown routes, crashes and injected faults. */
export const hubspotErrorWriters: TErrorWriters = {
  notFound: () => hubspotError(404, "OBJECT_NOT_FOUND", "resource not found"),
  internal: (_req, status) =>
    status === 503
      ? hubspotError(
          503,
          "SERVICE_UNAVAILABLE",
          "The service is temporarily unavailable. Please try again later.",
        )
      : hubspotError(500, "INTERNAL_ERROR", "internal error"),
  rateLimited: () => tenSecondlyLimitAnswer(0),
  badRequest: (_req, message) => invalidInput(message),
};

export function tenSecondlyLimitAnswer(portalId: number): TStandInResponse {
  return jsonResponse(429, {
    status: "error",
    message: "You have reached your ten_secondly_rolling limit.",
    errorType: "RATE_LIMIT",
    correlationId: createCorrelationId(),
    policyName: "TEN_SECONDLY_ROLLING",
    groupName: `publicapi:portal:${portalId}`,
  });
}

export function dailyLimitAnswer(portalId: number): TStandInResponse {
  return jsonResponse(429, {
    status: "error",
    message: "You have reached your daily limit.",
    errorType: "RATE_LIMIT",
    correlationId: createCorrelationId(),
    policyName: "DAILY",
    groupName: `publicapi:portal:${portalId}`,
  });
}

/** The search API's own per-second limit; the SDK's retry decorator keys on this exact message. */
export function searchLimitAnswer(): TStandInResponse {
  return jsonResponse(429, {
    status: "error",
    message: "You have reached your secondly limit.",
    errorType: "RATE_LIMIT",
    correlationId: createCorrelationId(),
    policyName: "SECONDLY",
  });
}
