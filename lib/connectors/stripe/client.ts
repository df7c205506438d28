import "server-only";
import Stripe from "stripe";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { acquire, acquireShared, penalize } from "@/lib/sync/governor";
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
 * A connection error, timeout or 5xx is retried here twice (short backoff, the governor asked again each
 * time). Without that, one transient failure re-ran a step's ten writes together, and at 20 % faults a
 * step succeeded one attempt in nine, so whole batches ran out of Inngest retries. Safe because every
 * Stripe write RevBridge makes carries its own Idempotency-Key (a write added later must too). The SDK's
 * own retries stay off: they would also retry 429s (Stripe sends `Stripe-Should-Retry: true`) behind the
 * governor's back — at 10,000 contacts one call in six came back 429. A 429 penalises the governor
 * (every caller pauses) and is retried here too, under the governor, so it waits out the pause in line
 * with everyone else; only when that keeps failing does it come back as a RetryAfterError. Retrying
 * the whole step instead re-sent the step's other writes, already done (at 10,000 contacts, 234 429s
 * cost ~400 extra customer writes).
 */
const TRANSIENT_RETRIES = 2;
const RATE_LIMITED_RETRIES = 3;
const RETRY_BASE_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
        maxNetworkRetries: 0,
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

/** Runs one Stripe API call under the governor; throws the provider error kinds (see the header). */
export async function stripeCall<T>(
  call: (client: Stripe) => Promise<T>,
  options: { tokens?: number; maxWaitMs?: number } = {},
): Promise<T> {
  const client = stripe();
  let transient = 0;
  let limited = 0;
  for (;;) {
    // One token (every call but a bulk caller's): concurrent calls share one governor statement.
    if ((options.tokens ?? 1) === 1) await acquireShared("STRIPE", "default", options);
    else await acquire("STRIPE", "default", options);
    try {
      return await call(client);
    } catch (error) {
      const classified = await classifyStripeError(error);
      if (classified instanceof ProviderRateLimitedError && limited++ < RATE_LIMITED_RETRIES) continue;
      if (!(classified instanceof ProviderUnavailableError) || transient >= TRANSIENT_RETRIES)
        throw classified;
      await sleep(RETRY_BASE_MS * 2 ** transient++ * (0.5 + Math.random() / 2));
    }
  }
}
