/**
 * Stripe's webhook signature (https://docs.stripe.com/webhooks#verify-manually):
 * `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`.
 */
import { createHmac } from "node:crypto";

export function computeStripeSignature(secret: string, timestampSeconds: number, payload: string): string {
  return createHmac("sha256", secret).update(`${timestampSeconds}.${payload}`, "utf8").digest("hex");
}

export function buildStripeSignatureHeader(
  secret: string,
  timestampSeconds: number,
  payload: string,
): string {
  return `t=${timestampSeconds},v1=${computeStripeSignature(secret, timestampSeconds, payload)}`;
}
