import "server-only";
import { Client } from "@hubspot/api-client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { acquire, penalize } from "@/lib/sync/governor";
import {
  ProviderRateLimitedError,
  ProviderRejectedError,
  ProviderUnavailableError,
  retryAfterMs,
} from "@/lib/connectors/errors";

/**
 * The one way RevBridge reaches HubSpot: the official SDK, pointed at HUBSPOT_API_BASE (the sandbox
 * in demo and tests), with the SDK's own limiter and retries switched off — the PostgreSQL governor
 * limits every instance together, and Inngest owns retries so they survive restarts.
 */

/** HubSpot's governor buckets: search has its own, slower limit (4/s per account). */
export type THubspotBucket = "default" | "search";

let cached: { key: string; client: Client } | undefined;

export function hubspot(): Client {
  const { HUBSPOT_ACCESS_TOKEN, HUBSPOT_API_BASE } = env();
  if (!HUBSPOT_ACCESS_TOKEN) {
    throw new AppError("unavailable", "HubSpot is not connected: set HUBSPOT_ACCESS_TOKEN.");
  }
  const key = `${HUBSPOT_API_BASE}\n${HUBSPOT_ACCESS_TOKEN}`;
  if (cached?.key !== key) {
    cached = {
      key,
      client: new Client({
        accessToken: HUBSPOT_ACCESS_TOKEN,
        basePath: HUBSPOT_API_BASE.replace(/\/$/, ""),
        numberOfApiCallRetries: 0,
      }),
    };
  }
  return cached.client;
}

interface THubspotApiException {
  code: number;
  body?: unknown;
  headers?: Record<string, string>;
}

function isApiException(error: unknown): error is THubspotApiException {
  return (
    typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "number"
  );
}

function bodyMessage(body: unknown): string {
  if (body && typeof body === "object" && "message" in body && typeof body.message === "string") {
    return body.message;
  }
  return typeof body === "string" ? body.slice(0, 300) : "";
}

/** Maps whatever the SDK threw into the three provider error kinds (see lib/connectors/errors.ts). */
export async function classifyHubspotError(error: unknown, bucket: THubspotBucket): Promise<Error> {
  if (isApiException(error)) {
    const { code, body, headers = {} } = error;
    const message = `HubSpot ${code}: ${bodyMessage(body) || "no message"}`;
    if (code === 429) {
      // HubSpot sends Retry-After rarely; its ten-secondly window is the safe default.
      const wait =
        retryAfterMs(headers["retry-after"]) ??
        (bucket === "search"
          ? 1000
          : Number(headers["x-hubspot-ratelimit-interval-milliseconds"] ?? 10_000) / 4);
      await penalize("HUBSPOT", bucket, wait);
      return new ProviderRateLimitedError("HUBSPOT", wait, message);
    }
    if (code >= 500 || code === 0) return new ProviderUnavailableError("HUBSPOT", message, code || undefined);
    return new ProviderRejectedError("HUBSPOT", code, message, body);
  }
  const text = error instanceof Error ? error.message : String(error);
  return new ProviderUnavailableError("HUBSPOT", `HubSpot unreachable: ${text}`);
}

/**
 * Runs one HubSpot API call under the governor. Throws ProviderRateLimitedError (after telling the
 * governor to pause everyone), ProviderUnavailableError or ProviderRejectedError.
 * `tokens` > 1 for calls that count as several requests.
 */
export async function hubspotCall<T>(
  bucket: THubspotBucket,
  call: (client: Client) => Promise<T>,
  options: { tokens?: number; maxWaitMs?: number } = {},
): Promise<T> {
  const client = hubspot();
  await acquire("HUBSPOT", bucket, options);
  try {
    return await call(client);
  } catch (error) {
    throw await classifyHubspotError(error, bucket);
  }
}
