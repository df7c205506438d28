import Stripe from "stripe";
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
  try {
    return Stripe.webhooks.constructEvent(
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
}
