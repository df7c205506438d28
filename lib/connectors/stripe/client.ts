import "server-only";
import Stripe from "stripe";
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
 * The one way RevBridge reaches Stripe: the official SDK pointed at STRIPE_API_BASE (the sandbox in
 * demo and tests), every call under the governor.
 *
 * The SDK retries a connection error, a timeout, a 409 or a 5xx twice with its own short backoff, under
 * the same Idempotency-Key (ours, or the one it adds to every POST), so a retry never writes twice.
 * Without that, one transient failure among a step's ten writes re-ran all ten: at 20 % faults a step
 * succeeded one attempt in nine and whole batches ran out of Inngest retries. 429s are not retried here:
 * they penalise the governor and come back as a RetryAfterError. The two retries are not counted by
 * the governor: each follows a request that failed.
 */
const SDK_RETRIES = 2;

let cached: { key: string; client: Stripe } | undefined;

export function stripe(): Stripe {
  const { STRIPE_SECRET_KEY, STRIPE_API_BASE } = env();
  if (!STRIPE_SECRET_KEY)
    throw new AppError("unavailable", "Stripe is not connected: set STRIPE_SECRET_KEY.");
  const key = `${STRIPE_API_BASE}\n${STRIPE_SECRET_KEY}`;
  if (cached?.key !== key) {
    const base = new URL(STRIPE_API_BASE);
    const protocol = base.protocol === "http:" ? "http" : "https";
    cached = {
      key,
      client: new Stripe(STRIPE_SECRET_KEY, {
        host: base.hostname,
        port: base.port ? Number(base.port) : protocol === "http" ? 80 : 443,
        protocol,
        maxNetworkRetries: SDK_RETRIES,
        timeout: 20_000,
        appInfo: { name: "RevBridge" },
      }),
    };
  }
  return cached.client;
}

/** Maps a Stripe SDK error into the three provider error kinds (see lib/connectors/errors.ts). */
export async function classifyStripeError(error: unknown): Promise<Error> {
  if (error instanceof Stripe.errors.StripeError) {
    const status = error.statusCode;
    const message = `Stripe ${status ?? "network"}: ${error.message}`;
    if (status === 429) {
      const header = error.headers?.["retry-after"];
      const wait = retryAfterMs(header) ?? 1000;
      await penalize("STRIPE", "default", wait);
      return new ProviderRateLimitedError("STRIPE", wait, message);
    }
    if (status === undefined || status >= 500 || error.type === "StripeConnectionError") {
      return new ProviderUnavailableError("STRIPE", message, status);
    }
    return new ProviderRejectedError("STRIPE", status, message, { type: error.type, code: error.code });
  }
  const text = error instanceof Error ? error.message : String(error);
  return new ProviderUnavailableError("STRIPE", `Stripe unreachable: ${text}`);
}

/** Runs one Stripe API call under the governor; throws the provider error kinds. */
export async function stripeCall<T>(
  call: (client: Stripe) => Promise<T>,
  options: { tokens?: number; maxWaitMs?: number } = {},
): Promise<T> {
  const client = stripe();
  await acquire("STRIPE", "default", options);
  try {
    return await call(client);
  } catch (error) {
    throw await classifyStripeError(error);
  }
}
