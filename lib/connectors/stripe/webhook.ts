import Stripe from "stripe";
import { z } from "zod";
import { AppError } from "@/lib/errors";

/** Stripe's documented default tolerance: a signature older than 5 minutes is a replay. */
export const STRIPE_SIGNATURE_TOLERANCE_S = 300;

/** The Stripe event types RevBridge acts on; anything else is acknowledged and dropped. */
export const HANDLED_STRIPE_EVENTS: ReadonlySet<string> = new Set([
  "customer.created",
  "customer.updated",
  "customer.deleted",
  "checkout.session.completed",
  "invoice.paid",
  "payment_intent.succeeded",
]);

/**
 * Verifies `Stripe-Signature` over the exact raw bytes with the official library (HMAC-SHA256,
 * constant-time comparison, timestamp tolerance) and returns the parsed event.
 */
export function verifyStripeWebhook(
  rawBody: Uint8Array,
  signatureHeader: string | null,
  secret: string,
  /** For tests: the receive time in milliseconds (default now). */
  nowMs?: number,
): Stripe.Event {
  if (!signatureHeader) throw new AppError("bad_request", "Missing Stripe-Signature header.");
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(
      Buffer.from(rawBody),
      signatureHeader,
      secret,
      STRIPE_SIGNATURE_TOLERANCE_S,
      undefined,
      nowMs,
    );
  } catch (error) {
    const reason =
      error instanceof Stripe.errors.StripeSignatureVerificationError ? error.message : "malformed event";
    throw new AppError("bad_request", `Stripe webhook refused: ${reason.split(".")[0]}.`);
  }
  // The SDK only refuses timestamps that are too old; one from the future (a skewed or forged clock)
  // would stay replayable for as long as it is ahead, so it gets the same window.
  const signedAt = Number(/(?:^|,)\s*t=(\d+)/.exec(signatureHeader)?.[1]);
  if (signedAt - Math.floor((nowMs ?? Date.now()) / 1000) > STRIPE_SIGNATURE_TOLERANCE_S) {
    throw new AppError("bad_request", "Stripe webhook refused: the timestamp is in the future.");
  }
  // A signed body is still only as good as its shape: the id is the inbox's dedupe key.
  if (!ZStripeEventShape.safeParse(event).success) {
    throw new AppError(
      "bad_request",
      "Stripe webhook refused: the event lacks a Stripe id, a type or data.object.",
    );
  }
  return event;
}

/** Stripe ids are `evt_` plus letters and digits; the handlers read `data.object`. */
const ZStripeEventShape = z.object({
  id: z.string().regex(/^[A-Za-z0-9_]{1,255}$/),
  type: z.string().regex(/^[a-z0-9_.]{1,255}$/),
  data: z.object({ object: z.object({}).loose() }),
});
