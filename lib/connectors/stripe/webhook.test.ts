import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { verifyStripeWebhook } from "./webhook";

const secret = "whsec_test_secret";
const payload = JSON.stringify({
  id: "evt_1",
  object: "event",
  type: "customer.created",
  data: { object: { id: "cus_1" } },
});
const bytes = new TextEncoder().encode(payload);
const now = 1_800_000_000;

const header = (timestamp = now, body = payload, key = secret) =>
  Stripe.webhooks.generateTestHeaderString({ payload: body, secret: key, timestamp });

describe("Stripe webhook signature", () => {
  it("accepts a delivery signed as Stripe signs it", () => {
    expect(verifyStripeWebhook(bytes, header(), secret, now * 1000).id).toBe("evt_1");
  });

  it("refuses a missing header, a tampered body and another secret", () => {
    expect(() => verifyStripeWebhook(bytes, null, secret, now * 1000)).toThrow(/Missing Stripe-Signature/);
    expect(() =>
      verifyStripeWebhook(
        new TextEncoder().encode(payload.replace("cus_1", "cus_2")),
        header(),
        secret,
        now * 1000,
      ),
    ).toThrow(/refused/);
    expect(() => verifyStripeWebhook(bytes, header(now, payload, "whsec_other"), secret, now * 1000)).toThrow(
      /refused/,
    );
  });

  it("refuses a replay older than the 300 s tolerance", () => {
    expect(() => verifyStripeWebhook(bytes, header(now - 301), secret, now * 1000)).toThrow(/refused/);
    expect(verifyStripeWebhook(bytes, header(now - 299), secret, now * 1000).id).toBe("evt_1");
  });
});
