/**
 * The Stripe stand-in: `startStripeSandbox({ port: 12111 })`, then point the official SDK at it with
 * `new Stripe(key, { host: "127.0.0.1", port, protocol: "http" })`. See README.md in this folder.
 */
import { createStandIn, type TWebhookDeliverer, type TWebhookKnobsInput } from "@/sandbox/core";
import { createCatalogRoutes } from "./catalog";
import { completeCheckoutSession, type TCompleteInput } from "./checkout";
import { createCheckoutRoutes } from "./checkout-routes";
import { createStripeControlRoutes } from "./control";
import { createCustomerRoutes } from "./customers";
import { createEventRoutes } from "./events";
import {
  DEFAULT_API_VERSION,
  createStripeMiddleware,
  mountStripeRoute,
  stripeErrorWriters,
  type TStripeHttpSettings,
} from "./http";
import { createIdempotencyStore } from "./idempotency";
import { createInvoiceRoutes } from "./invoice-routes";
import { createPaymentRoutes } from "./payments";
import { createStripeState, type TStripeObject, type TStripeState } from "./state";
import { createStripeWebhooks } from "./webhooks";

export const STRIPE_SANDBOX_DEFAULT_PORT = 12111;

export type TStripeSandboxOptions = {
  port?: number;
  host?: string;
  /** Pin one exact secret key; by default any well-formed `sk_test_…` is accepted. */
  apiKey?: string | null;
  /** Default 100 operations per second per key. */
  rateLimitPerSecond?: number;
  /** The app's webhook URL, registered as the default endpoint (e.g. http://127.0.0.1:3000/api/webhooks/stripe). */
  webhookUrl?: string | null;
  /** `whsec_…` for the default endpoint; generated when absent (read it from the result). */
  webhookSecret?: string;
  webhookEvents?: string[];
  webhookRetryDelaysMs?: number[];
  webhookTimeoutMs?: number;
  webhookKnobs?: Omit<TWebhookKnobsInput, "targetUrl">;
  /** Clock in milliseconds, for tests of retention and expiry. */
  now?: () => number;
  log?: (line: string) => void;
};

export type TStripeSandbox = {
  url: string;
  port: number;
  webhookSecret: string;
  state: TStripeState;
  webhooks: TWebhookDeliverer;
  completeCheckoutSession: (sessionId: string, input?: TCompleteInput) => TStripeObject;
  reset: () => void;
  close: () => Promise<void>;
};

export async function startStripeSandbox(options: TStripeSandboxOptions = {}): Promise<TStripeSandbox> {
  const state = createStripeState({ apiVersion: DEFAULT_API_VERSION, now: options.now });
  const idempotency = createIdempotencyStore(options.now);
  const initialSettings: TStripeHttpSettings = {
    apiKey: options.apiKey ?? null,
    rateLimitPerSecond: options.rateLimitPerSecond ?? 100,
  };
  let settings = initialSettings;
  const http = createStripeMiddleware(() => settings);
  const webhooks = createStripeWebhooks(state, {
    url: options.webhookUrl,
    secret: options.webhookSecret,
    enabledEvents: options.webhookEvents,
    retryDelaysMs: options.webhookRetryDelaysMs,
    requestTimeoutMs: options.webhookTimeoutMs,
    knobs: options.webhookKnobs,
    log: options.log,
  });
  const host = options.host ?? "127.0.0.1";
  // The hosted-page URL must name the port, known only after listening: routes read it lazily.
  let baseUrl = "";
  const routes = [
    ...createCustomerRoutes(state),
    ...createCatalogRoutes(state),
    ...createCheckoutRoutes(state, () => `${baseUrl}/__sandbox/stripe/checkout`),
    ...createPaymentRoutes(state),
    ...createInvoiceRoutes(state),
    ...createEventRoutes(state, webhooks.undeliveredIndex),
    ...webhooks.routes,
  ].map((r) => mountStripeRoute(r, idempotency));

  function reset(): void {
    state.reset();
    idempotency.reset();
    settings = initialSettings;
    http.setRateLimit(settings.rateLimitPerSecond);
    http.resetLimiter();
    webhooks.restoreDefaultEndpoint();
  }

  const standIn = await createStandIn({
    name: "stripe",
    host,
    port: options.port ?? STRIPE_SANDBOX_DEFAULT_PORT,
    routes,
    controlRoutes: createStripeControlRoutes({
      state,
      settings: () => settings,
      updateSettings: (next) => {
        settings = {
          apiKey: next.apiKey === undefined ? settings.apiKey : next.apiKey,
          rateLimitPerSecond: next.rateLimitPerSecond ?? settings.rateLimitPerSecond,
        };
        http.setRateLimit(settings.rateLimitPerSecond);
        return settings;
      },
    }),
    middleware: http.middleware,
    errors: stripeErrorWriters,
    webhooks: webhooks.deliverer,
    onReset: reset,
    getState: () => ({
      customers: state.customers.size,
      products: state.products.size,
      prices: state.prices.size,
      checkoutSessions: state.checkoutSessions.size,
      paymentIntents: state.paymentIntents.size,
      charges: state.charges.size,
      invoices: state.invoices.size,
      events: state.events.size,
      webhookEndpoints: state.webhookEndpoints
        .list()
        .map((e) => ({ id: e.id, url: e.url, status: e.status })),
    }),
    log: options.log,
  });
  baseUrl = standIn.url;

  return {
    url: standIn.url,
    port: standIn.port,
    webhookSecret: webhooks.defaultSecret,
    state,
    webhooks: webhooks.deliverer,
    completeCheckoutSession: (id, input) => completeCheckoutSession(state, id, input),
    reset: () => standIn.reset(),
    close: () => standIn.close(),
  };
}

export { buildStripeSignatureHeader, computeStripeSignature } from "./webhook-signature";
