/**
 * What can go wrong when RevBridge calls a provider, in three kinds that decide what happens next:
 * - rate limited (429, or the governor's own queue is too long) → wait as told, then retry;
 * - unavailable (5xx, timeout, connection reset) → retry with backoff;
 * - rejected (any other 4xx) → retrying cannot help: skip, record why, dead-letter if it matters.
 * `toInngestError` turns them into the Inngest SDK's retry signals.
 */
import { NonRetriableError, RetryAfterError } from "inngest";
import type { Provider } from "@/lib/generated/prisma/enums";

export class ProviderRateLimitedError extends Error {
  override name = "ProviderRateLimitedError";
  constructor(
    readonly provider: Provider,
    readonly retryAfterMs: number,
    message = `${provider} rate limit: retry in ${Math.ceil(retryAfterMs)} ms`,
  ) {
    super(message);
  }
}

export class ProviderUnavailableError extends Error {
  override name = "ProviderUnavailableError";
  constructor(
    readonly provider: Provider,
    message: string,
    /** HTTP status when the provider answered (5xx); undefined for network errors and timeouts. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export class ProviderRejectedError extends Error {
  override name = "ProviderRejectedError";
  constructor(
    readonly provider: Provider,
    readonly status: number,
    message: string,
    /** The provider's error body (already parsed when JSON); never contains our credentials. */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export type TProviderError = ProviderRateLimitedError | ProviderUnavailableError | ProviderRejectedError;

export function isProviderError(error: unknown): error is TProviderError {
  return (
    error instanceof ProviderRateLimitedError ||
    error instanceof ProviderUnavailableError ||
    error instanceof ProviderRejectedError
  );
}

/** HTTP status of a provider error, for SyncLog rows (429 for rate limits, undefined for network errors). */
export function providerErrorStatus(error: unknown): number | undefined {
  if (error instanceof ProviderRateLimitedError) return 429;
  if (error instanceof ProviderUnavailableError || error instanceof ProviderRejectedError)
    return error.status;
  return undefined;
}

/**
 * Inside an Inngest step: rate limits become RetryAfterError (the run sleeps exactly as told),
 * rejections become NonRetriableError (no pointless retries; onFailure dead-letters), the rest is
 * rethrown as is and retried with the function's backoff.
 */
export function toInngestError(error: unknown): unknown {
  if (error instanceof ProviderRateLimitedError) {
    return new RetryAfterError(error.message, Math.max(1, Math.ceil(error.retryAfterMs)), { cause: error });
  }
  if (error instanceof ProviderRejectedError) {
    return new NonRetriableError(error.message, { cause: error });
  }
  return error;
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
