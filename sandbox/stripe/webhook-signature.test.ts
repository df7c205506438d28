import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { buildStripeSignatureHeader } from "./webhook-signature";

describe("Stripe webhook signature", () => {
  it("produces the header the official SDK generates and verifies", () => {
    const secret = "whsec_test_secret";
    const payload = JSON.stringify({ id: "evt_1", object: "event" }, null, 2);
    const timestamp = 1_700_000_000;
    const ours = buildStripeSignatureHeader(secret, timestamp, payload);
    const sdk = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
    expect(ours).toBe(sdk);
    const stripe = new Stripe("sk_test_unused");
    const event = stripe.webhooks.constructEvent(payload, ours, secret, Number.MAX_SAFE_INTEGER);
    expect(event.id).toBe("evt_1");
    expect(() =>
      stripe.webhooks.constructEvent(payload, ours, "whsec_other", Number.MAX_SAFE_INTEGER),
    ).toThrow();
  });
});
