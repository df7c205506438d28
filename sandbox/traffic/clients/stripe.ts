/**
 * Stripe as the generator uses it: the official SDK against the stand-in (as the school's website and
 * billing would call Stripe), plus the sandbox call that plays the buyer on a Checkout page.
 */
import Stripe from "stripe";
import { z } from "zod";
import { callJson } from "./control-http";

const ZSession = z.object({ id: z.string(), status: z.string(), customer: z.string().nullable() });

export function createStripeClients(baseUrl: string, secretKey: string) {
  const url = new URL(baseUrl);
  const sdk = new Stripe(secretKey, {
    host: url.hostname,
    port: Number(url.port || (url.protocol === "https:" ? 443 : 80)),
    protocol: url.protocol === "https:" ? "https" : "http",
    maxNetworkRetries: 2,
  });
  return {
    sdk,
    /**
     * The buyer pays on the hosted page. A declined card answers 402 and leaves the session open,
     * as on Stripe; the caller decides what that means.
     */
    async completeCheckout(
      sessionId: string,
      paymentMethod: string,
      name?: string,
    ): Promise<z.infer<typeof ZSession>> {
      return callJson(
        baseUrl,
        "POST",
        `/__sandbox/stripe/checkout/sessions/${encodeURIComponent(sessionId)}/complete`,
        ZSession,
        { paymentMethod, ...(name ? { name } : {}) },
      );
    },
  };
}

export type TStripeClients = ReturnType<typeof createStripeClients>;
