import "server-only";
import { NonRetriableError } from "inngest";
import { ProviderRejectedError, toInngestError } from "@/lib/connectors/errors";

/**
 * One record's work inside a batched function: a rejection (4xx other than 429) or the last attempt
 * dead-letters that record alone and lets the rest of the batch finish; anything else is rethrown for
 * Inngest to retry the step (429 → RetryAfterError, 5xx/network → backoff).
 */
export async function settleRecord<T>(
  work: () => Promise<T>,
  ctx: { attempt: number; retries: number },
  giveUp: (error: unknown) => Promise<void>,
  /** Rejections that a retry can fix (e.g. a Stripe idempotency conflict while a twin request settles). */
  retryableRejection: (error: ProviderRejectedError) => boolean = () => false,
): Promise<T | "dead_lettered"> {
  try {
    return await work();
  } catch (error) {
    const rejected = error instanceof ProviderRejectedError && !retryableRejection(error);
    if (rejected || error instanceof NonRetriableError || ctx.attempt >= ctx.retries) {
      await giveUp(error);
      return "dead_lettered";
    }
    throw toInngestError(error);
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
