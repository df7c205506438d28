import {
  createStandIn,
  createWebhookDeliverer,
  type TFaultSettingsInput,
  type TStandIn,
  type TWebhookKnobsInput,
} from "../core";
import { createAssociationRoutes } from "./associations";
import { createAuthMiddleware } from "./auth";
import { createBatchRoutes } from "./batch";
import { createHubspotControlRoutes, describeSettings } from "./control";
import { hubspotErrorWriters, tenSecondlyLimitAnswer } from "./errors";
import { createEventRoutes } from "./events";
import { createObjectRoutes } from "./objects";
import { createPortal, type TPortal } from "./portal";
import { createPropertyRoutes } from "./properties";
import { createRateLimitMiddleware } from "./rate-limit";
import { createSearchRoutes } from "./search";
import type { THubspotSettingsInput } from "./settings";
import {
  HUBSPOT_RETRY_DELAYS_MS,
  HUBSPOT_WEBHOOK_TIMEOUT_MS,
  createHubspotSigner,
  shouldRetryHubspotDelivery,
} from "./webhooks";

export const HUBSPOT_SANDBOX_DEFAULT_PORT = 12112;

export interface THubspotSandboxOptions {
  port?: number;
  host?: string;
  /** Where webhooks go (e.g. http://127.0.0.1:3000/api/webhooks/hubspot); null records them as skipped. */
  webhookUrl?: string | null;
  /** Other webhook knobs (timeScale compresses HubSpot's day of retries; duplicateRate, reorderJitterMs…). */
  webhookKnobs?: Omit<TWebhookKnobsInput, "targetUrl">;
  settings?: THubspotSettingsInput;
  faults?: TFaultSettingsInput;
  log?: (line: string) => void;
}

export interface THubspotSandbox {
  url: string;
  port: number;
  standIn: TStandIn;
  portal: TPortal;
  close(): Promise<void>;
}

/** Starts the HubSpot stand-in: CRM v3 objects, search, properties, associations v4, events, webhooks. */
export async function startHubspotSandbox(options: THubspotSandboxOptions = {}): Promise<THubspotSandbox> {
  const deliverer = createWebhookDeliverer({
    name: "hubspot",
    // Signing happens on delivery, after `p` below exists.
    sign: createHubspotSigner(() => p.settings().clientSecret),
    retryDelaysMs: HUBSPOT_RETRY_DELAYS_MS,
    shouldRetry: shouldRetryHubspotDelivery,
    requestTimeoutMs: HUBSPOT_WEBHOOK_TIMEOUT_MS,
    knobs: { ...options.webhookKnobs, targetUrl: options.webhookUrl ?? null },
    log: options.log,
  });
  const p: TPortal = createPortal({ settings: options.settings, deliverer });

  const standIn = await createStandIn({
    name: "hubspot",
    host: options.host,
    port: options.port ?? 0,
    routes: [
      ...createObjectRoutes(p),
      ...createBatchRoutes(p),
      ...createSearchRoutes(p),
      ...createPropertyRoutes(p),
      ...createAssociationRoutes(p),
      ...createEventRoutes(p),
    ],
    controlRoutes: createHubspotControlRoutes(p),
    middleware: [createAuthMiddleware(p), createRateLimitMiddleware(p)],
    errors: { ...hubspotErrorWriters, rateLimited: () => tenSecondlyLimitAnswer(p.settings().portalId) },
    webhooks: deliverer,
    onReset: () => p.reset(),
    getState: () => ({
      settings: describeSettings(p),
      objects: p.store.counts(),
      customProperties: Object.fromEntries(
        (["contacts", "companies", "deals", "tickets"] as const).map((t) => [
          t,
          p.registry
            .list(t)
            .filter((d) => !d.hubspotDefined)
            .map((d) => d.name),
        ]),
      ),
      behavioralEvents: p.behavioralEvents().length,
      pendingWebhookEvents: p.webhooks.pending(),
    }),
    faults: options.faults,
    log: options.log,
  });

  return {
    url: standIn.url,
    port: standIn.port,
    standIn,
    portal: p,
    close: async () => {
      p.webhooks.reset();
      await standIn.close();
    },
  };
}

export { createHubspotSigner } from "./webhooks";
export type { THubspotWebhookEvent } from "./webhooks";
export type { THubspotSettings, THubspotSettingsInput } from "./settings";
