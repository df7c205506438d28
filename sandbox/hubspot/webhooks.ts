import { createHash, createHmac } from "node:crypto";
import type { TWebhookDeliverer, TWebhookSigner } from "../core";
import type { TObjectType } from "./object-types";
import { WEBHOOK_SUBSCRIPTION_TYPES, type THubspotSettings } from "./settings";
import type { TStoreChange } from "./store";

/**
 * HubSpot's app webhooks: CRM changes become events, gathered into JSON arrays of at most 100 and
 * POSTed with v1 and v3 signatures. HubSpot retries up to 10 tries spread over about a day and gives
 * up on 400/401/403/404/405; the deliverer's timeScale compresses the day.
 */
export const HUBSPOT_RETRY_DELAYS_MS = [
  60_000, 240_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 21_600_000, 36_000_000,
] as const;

export const HUBSPOT_WEBHOOK_TIMEOUT_MS = 5_000;

const FINAL_STATUSES = new Set([400, 401, 403, 404, 405]);
export const shouldRetryHubspotDelivery = (status: number) => !FINAL_STATUSES.has(status);

const MAX_EVENTS_PER_DELIVERY = 100;

export interface THubspotWebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  changeSource: string;
  changeFlag?: string;
  propertyName?: string;
  propertyValue?: string;
  sourceId?: string;
  primaryObjectId?: number;
  mergedObjectIds?: number[];
  newObjectId?: number;
  numberOfPropertiesMoved?: number;
}

const SUBSCRIPTION_PREFIX: Partial<Record<TObjectType, string>> = {
  contacts: "contact",
  companies: "company",
  deals: "deal",
};

/** Both signatures HubSpot sends; v3 covers method, URI, body and timestamp. */
export function createHubspotSigner(clientSecret: () => string): TWebhookSigner {
  return ({ method, url, body, timestamp }) => {
    const secret = clientSecret();
    const uri = new URL(url).href;
    return {
      "user-agent": "HubSpot Connect 2.0 (http://dev.hubspot.com/) - WebhooksExecutorDaemon-executor",
      "x-hubspot-signature": createHash("sha256")
        .update(secret + body)
        .digest("hex"),
      "x-hubspot-signature-version": "v1",
      "x-hubspot-signature-v3": createHmac("sha256", secret)
        .update(`${method}${uri}${body}${timestamp}`)
        .digest("base64"),
      "x-hubspot-request-timestamp": String(timestamp),
      "x-hubspot-timeout-millis": String(HUBSPOT_WEBHOOK_TIMEOUT_MS),
    };
  };
}

export function createHubspotWebhooks(deps: {
  settings: () => THubspotSettings;
  deliverer: TWebhookDeliverer;
}) {
  let buffer: THubspotWebhookEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  let eventSequence = 0;
  let muted = 0;

  function subscriptionId(type: string): number {
    return (
      4_000_000 + WEBHOOK_SUBSCRIPTION_TYPES.indexOf(type as (typeof WEBHOOK_SUBSCRIPTION_TYPES)[number])
    );
  }

  function toEvent(change: TStoreChange): THubspotWebhookEvent | undefined {
    const prefix = SUBSCRIPTION_PREFIX[change.record.objectType];
    if (!prefix) return undefined;
    const s = deps.settings();
    const subscriptionType = `${prefix}.${change.kind}`;
    if (!s.webhookSubscriptions.includes(subscriptionType as (typeof WEBHOOK_SUBSCRIPTION_TYPES)[number]))
      return undefined;
    if (
      change.kind === "propertyChange" &&
      s.propertyChangeProperties &&
      !s.propertyChangeProperties.includes(change.property)
    ) {
      return undefined;
    }
    const base: THubspotWebhookEvent = {
      eventId: 1_000_000 + ++eventSequence,
      subscriptionId: subscriptionId(subscriptionType),
      portalId: s.portalId,
      appId: s.appId,
      occurredAt: change.at,
      subscriptionType,
      attemptNumber: 0,
      objectId: Number(change.record.id),
      changeSource: change.source,
      ...(change.sourceId ? { sourceId: change.sourceId } : {}),
    };
    switch (change.kind) {
      case "creation":
        return { ...base, changeFlag: "CREATED" };
      case "deletion":
        return { ...base, changeFlag: "DELETED" };
      case "propertyChange":
        return { ...base, propertyName: change.property, propertyValue: change.value };
      case "merge":
        return {
          ...base,
          changeFlag: "MERGED",
          primaryObjectId: Number(change.record.id),
          mergedObjectIds: change.mergedIds.map(Number),
          newObjectId: Number(change.record.id),
          numberOfPropertiesMoved: change.propertiesMoved,
        };
    }
  }

  function onStoreChange(change: TStoreChange): void {
    if (muted > 0) return;
    const event = toEvent(change);
    if (!event) return;
    buffer.push(event);
    if (buffer.length >= MAX_EVENTS_PER_DELIVERY) return flush();
    const windowMs = deps.settings().webhookBatchWindowMs;
    if (windowMs === 0) return flush();
    if (!timer) {
      timer = setTimeout(flush, windowMs);
      timer.unref();
    }
  }

  /** Hands everything gathered so far to the deliverer, 100 events per delivery. */
  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const events = buffer;
    buffer = [];
    for (let i = 0; i < events.length; i += MAX_EVENTS_PER_DELIVERY) {
      const chunk = events.slice(i, i + MAX_EVENTS_PER_DELIVERY);
      const types = [...new Set(chunk.map((e) => e.subscriptionType))].join(",");
      deps.deliverer.enqueue({
        label: types,
        eventIds: chunk.map((e) => String(e.eventId)),
        // HubSpot counts attempts from 0 in the payload.
        render: (attempt) => JSON.stringify(chunk.map((e) => ({ ...e, attemptNumber: attempt - 1 }))),
      });
    }
  }

  function reset(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    buffer = [];
  }

  /** Runs `fn` without producing webhooks (bulk seeding data a real portal would already hold). */
  function withoutWebhooks<T>(fn: () => T): T {
    muted++;
    try {
      return fn();
    } finally {
      muted--;
    }
  }

  return { onStoreChange, flush, reset, withoutWebhooks, pending: () => buffer.length };
}

export type THubspotWebhooks = ReturnType<typeof createHubspotWebhooks>;
