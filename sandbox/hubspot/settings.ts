import { z } from "zod";

export const WEBHOOK_SUBSCRIPTION_TYPES = [
  "contact.creation",
  "contact.propertyChange",
  "contact.deletion",
  "contact.merge",
  "company.creation",
  "company.propertyChange",
  "company.deletion",
  "deal.creation",
  "deal.propertyChange",
  "deal.deletion",
] as const;

/**
 * The portal's switches, changeable at run time with `POST /__sandbox/hubspot/settings` (merged into
 * the current ones). Start options use the same names.
 */
export const ZHubspotSettings = z
  .object({
    portalId: z.number().int().positive().default(62515),
    appId: z.number().int().positive().default(1160452),
    /** null accepts any well-formed bearer token; a string pins the one token that works. */
    accessToken: z.string().min(1).nullable().default(null),
    /** The app's client secret: signs outgoing webhooks (v1 and v3). */
    clientSecret: z.string().min(1).default("sandbox-hubspot-client-secret"),
    tenSecondlyLimit: z.number().int().positive().default(150),
    dailyLimit: z.number().int().positive().default(500_000),
    /** The CRM search API's own per-second limit (per account), separate from the ten-secondly one. */
    searchPerSecond: z.number().int().positive().default(4),
    /** `forbidden`: the portal lacks custom behavioral events (403); `not_found`: no such event definition (404). */
    behavioralEvents: z.enum(["enabled", "forbidden", "not_found"]).default("enabled"),
    /** How long a write takes to show up in search results (HubSpot's index is eventually consistent). */
    searchIndexLagMs: z.number().int().min(0).max(600_000).default(0),
    /** Events are gathered this long before a delivery (≤ 100 per delivery, as HubSpot batches). */
    webhookBatchWindowMs: z.number().int().min(0).max(60_000).default(100),
    webhookSubscriptions: z
      .array(z.enum(WEBHOOK_SUBSCRIPTION_TYPES))
      .default([...WEBHOOK_SUBSCRIPTION_TYPES]),
    /** Properties whose changes are delivered as `*.propertyChange`; null means all non-system ones. */
    propertyChangeProperties: z.array(z.string()).nullable().default(null),
  })
  .strict();

export type THubspotSettings = z.infer<typeof ZHubspotSettings>;
export type THubspotSettingsInput = z.input<typeof ZHubspotSettings>;
