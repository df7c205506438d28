/** Test helper: the official SDK pointed at a running stand-in, as the app will configure it. */
import Stripe from "stripe";

export const TEST_KEY = "sk_test_sandboxcontract0001";

export function createTestClient(port: number, key = TEST_KEY, config: Stripe.StripeConfig = {}): Stripe {
  return new Stripe(key, { host: "127.0.0.1", port, protocol: "http", maxNetworkRetries: 2, ...config });
}

/** Runs a call expected to fail and returns the SDK's error for assertions. */
export async function captureStripeError(call: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error("expected the Stripe call to fail");
}
