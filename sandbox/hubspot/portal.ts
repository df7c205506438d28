import { createRateLimiter, type TWebhookDeliverer } from "../core";
import { createAssociationStore } from "./association-store";
import { createPropertyRegistry } from "./property-registry";
import { ZHubspotSettings, type THubspotSettings, type THubspotSettingsInput } from "./settings";
import { createCrmStore } from "./store";
import { createHubspotWebhooks } from "./webhooks";

export interface TBehavioralEventRecord {
  eventName: string;
  objectId?: string;
  email?: string;
  utk?: string;
  occurredAt: string;
  properties: Record<string, string>;
  uuid?: string;
  receivedAt: string;
}

const DAY_MS = 86_400_000;

/** Everything one HubSpot account holds: settings, CRM data, associations, limits, sent events. */
export function createPortal(options: { settings?: THubspotSettingsInput; deliverer: TWebhookDeliverer }) {
  const initial = ZHubspotSettings.parse(options.settings ?? {});
  let settings: THubspotSettings = initial;
  const registry = createPropertyRegistry(() => settings.portalId);
  const webhooks = createHubspotWebhooks({ settings: () => settings, deliverer: options.deliverer });
  const store = createCrmStore({
    registry,
    searchIndexLagMs: () => settings.searchIndexLagMs,
    onChange: (change) => webhooks.onStoreChange(change),
  });
  const associations = createAssociationStore();
  // Three limiters, not one with three windows: searches are exempt from the ten-secondly limit but
  // have their own, and everything counts against the daily one.
  const limiter = createRateLimiter({
    windows: [{ name: "TEN_SECONDLY_ROLLING", limit: settings.tenSecondlyLimit, intervalMs: 10_000 }],
  });
  const dailyLimiter = createRateLimiter({
    windows: [{ name: "DAILY", limit: settings.dailyLimit, intervalMs: DAY_MS, kind: "fixed" }],
  });
  const searchLimiter = createRateLimiter({
    windows: [{ name: "SECONDLY", limit: settings.searchPerSecond, intervalMs: 1_000 }],
  });
  let behavioralEvents: TBehavioralEventRecord[] = [];

  function applyLimits(): void {
    limiter.configure("TEN_SECONDLY_ROLLING", { limit: settings.tenSecondlyLimit });
    dailyLimiter.configure("DAILY", { limit: settings.dailyLimit });
    searchLimiter.configure("SECONDLY", { limit: settings.searchPerSecond });
  }

  /** Merges a partial change into the current settings; throws ZodError when invalid. */
  function configure(input: unknown): THubspotSettings {
    settings = ZHubspotSettings.parse({ ...settings, ...(input as object) });
    applyLimits();
    return settings;
  }

  function recordBehavioralEvent(e: TBehavioralEventRecord): void {
    behavioralEvents.push(e);
    if (behavioralEvents.length > 1_000) behavioralEvents = behavioralEvents.slice(-1_000);
  }

  /** Back to the start options: data, limits and pending webhooks; the delivery log is the core's. */
  function reset(): void {
    settings = initial;
    applyLimits();
    registry.reset();
    store.reset();
    associations.reset();
    limiter.reset();
    dailyLimiter.reset();
    searchLimiter.reset();
    webhooks.reset();
    behavioralEvents = [];
  }

  return {
    settings: () => settings,
    configure,
    registry,
    store,
    associations,
    limiter,
    dailyLimiter,
    searchLimiter,
    webhooks,
    behavioralEvents: () => behavioralEvents,
    recordBehavioralEvent,
    reset,
  };
}

export type TPortal = ReturnType<typeof createPortal>;
