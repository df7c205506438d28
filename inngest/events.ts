/**
 * Every event RevBridge sends or reacts to, with its zod schema. Functions validate the payload
 * again on receipt (the SDK runs the schema), so a malformed event fails loudly instead of half-running.
 */
import { eventType } from "inngest";
import { z } from "zod";

export const ZProvider = z.enum(["HUBSPOT", "STRIPE", "WECHAT", "OPENAPPLY"]);

/** An inbox row was accepted and awaits processing. Event id = `webhook:<provider>:<dedupeKey>`. */
export const webhookReceived = eventType("revbridge/webhook.received", {
  schema: z.object({
    webhookEventId: z.string().min(1),
    provider: ZProvider,
    type: z.string().min(1),
  }),
});

/** The Inngest event id for an inbox row: stable, so a re-send by the sweeper is deduplicated by Inngest. */
export function webhookEventIdFor(provider: z.infer<typeof ZProvider>, dedupeKey: string): string {
  return `webhook:${provider}:${dedupeKey}`;
}

/**
 * A HubSpot contact changed (created, property changed, merged, deleted), as the sync dispatcher
 * read it from a webhook. A hint, not the truth: subscribers re-read the contact when deciding.
 * Emitted with id `hubspot-contact:<webhookEventId>` so re-sends are deduplicated.
 */
export const hubspotContactChanged = eventType("revbridge/hubspot.contact.changed", {
  schema: z.object({
    contactId: z.string().min(1),
    /** HubSpot's occurredAt, epoch ms: the staleness guard compares it with the newest state applied. */
    occurredAt: z.number().int(),
    subscriptionType: z.string().min(1),
    /** Property changes carried by the webhook (propertyChange events carry one). */
    changes: z.array(z.object({ property: z.string(), value: z.string().nullable() })).optional(),
    /** `INTEGRATION`, `CRM_UI`, `FORM`, `IMPORT`…; with sourceId, what echo suppression keys on. */
    changeSource: z.string().optional(),
    sourceId: z.string().optional(),
    /** contact.merge: the ids merged away into contactId. */
    mergedIds: z.array(z.string()).optional(),
    webhookEventId: z.string().optional(),
  }),
});

/** A Stripe object changed (customer, checkout session, invoice, payment intent), from a verified webhook. */
export const stripeObjectChanged = eventType("revbridge/stripe.object.changed", {
  schema: z.object({
    stripeEventId: z.string().min(1),
    /** Stripe event type, e.g. `customer.updated`, `invoice.paid`. */
    type: z.string().min(1),
    objectId: z.string().min(1),
    /** Stripe's `created` of the event, epoch seconds. */
    created: z.number().int(),
    webhookEventId: z.string().optional(),
  }),
});

// ── Sync engine (issue 6): manual resync and backfill, sent by the console (OPERATOR) ──

/**
 * Resync one record now, whatever the staleness guard says: `system` names where the record lives
 * (`HUBSPOT` contact id or `STRIPE` customer id); the engine re-reads it and writes the other side.
 */
export const syncResyncRequested = eventType("revbridge/sync.resync.requested", {
  schema: z.object({
    system: z.enum(["HUBSPOT", "STRIPE"]),
    objectId: z.string().min(1),
    requestedById: z.string().optional(),
  }),
});

/**
 * Start (or resume) the initial sync / a filtered resync: `hubspot_to_stripe` pages through HubSpot
 * contacts (optionally only these lifecycle stages), `stripe_to_hubspot` through every Stripe
 * customer, `both` does both. Progress is kept in AppSetting `sync.backfill`.
 */
export const syncBackfillRequested = eventType("revbridge/sync.backfill.requested", {
  schema: z.object({
    direction: z.enum(["hubspot_to_stripe", "stripe_to_hubspot", "both"]),
    lifecycleStages: z.array(z.string().min(1)).optional(),
    /** Start over instead of resuming from the saved cursor. */
    restart: z.boolean().optional(),
    requestedById: z.string().optional(),
  }),
});

// ── Lifecycle events (issue 9) ──

/**
 * A lifecycle event was accepted into the outbox (`OutboxEvent` row). Sent after the insert commits,
 * with id `outbox:<outboxEventId>` so the drain cron's re-send of a row is deduplicated by Inngest.
 */
export const outboxEventAccepted = eventType("revbridge/outbox.event.accepted", {
  schema: z.object({ outboxEventId: z.string().min(1) }),
});

export function outboxInngestEventIdFor(outboxEventId: string): string {
  return `outbox:${outboxEventId}`;
}

// ── Identity matching (issue 5) ──

/** Write a linked follower's OpenID into the record (after a reviewer's approval). */
export const identityWriteBackRequested = eventType("revbridge/identity.write-back.requested", {
  schema: z.object({
    system: z.enum(["HUBSPOT", "OPENAPPLY"]),
    recordId: z.string().min(1),
    openid: z.string().min(1),
    reviewId: z.string().optional(),
  }),
});

/** Poll OpenApply now (the cron does it every 5 minutes); `restart` ignores the saved cursor. */
export const openapplyPollRequested = eventType("revbridge/openapply.poll.requested", {
  schema: z.object({ restart: z.boolean().optional() }),
});

/** Run the identity reconciliation now instead of waiting for 02:00. */
export const identityReconcileRequested = eventType("revbridge/identity.reconcile.requested", {
  schema: z.object({ requestedById: z.string().optional() }),
});

/** Run the HubSpot catch-up search now (the cron does it every 10 minutes). */
export const identityCatchUpRequested = eventType("revbridge/identity.hubspot-catch-up.requested", {
  schema: z.object({ sinceMs: z.number().int().optional() }),
});

// ── CSV import (issue 8) ──

/** Run (or resume) an import job: companies → contacts → tickets, only rows still `pending`. */
export const importRunRequested = eventType("revbridge/import.run.requested", {
  schema: z.object({ jobId: z.string().min(1) }),
});

/** Validate a job and ask HubSpot (reads only) what the run would do. */
export const importPreviewRequested = eventType("revbridge/import.preview.requested", {
  schema: z.object({ jobId: z.string().min(1) }),
});

/** Stop a running import (its run is cancelled by `cancelOn`; finished batches stay written). */
export const importCancelRequested = eventType("revbridge/import.cancel.requested", {
  schema: z.object({ jobId: z.string().min(1) }),
});

/**
 * The rows one API request accepted (≤ 100): one small event per request keeps the request's
 * hand-off cheap; `outbox-fan-out` turns it into one `outbox.event.accepted` per row.
 */
export const outboxBatchAccepted = eventType("revbridge/outbox.batch.accepted", {
  schema: z.object({ outboxEventIds: z.array(z.string().min(1)).min(1).max(100) }),
});

// ── Warehouse (issue 7) ──

/** "Run now" on the Warehouse page: ingest HubSpot into the staging tables (full or incremental). */
export const warehouseIngestRequested = eventType("revbridge/warehouse.ingest.requested", {
  schema: z.object({ kind: z.enum(["full", "incremental"]), requestedById: z.string().optional() }),
});

// ── WeChat (issue 5) ──

/**
 * A callback message whose reply did not fit the passive-reply budget: the callback answered `success`
 * and `wechat-reply-push` sends the reply as a customer-service message. Event id `wechat-reply:<dedupeKey>`.
 */
export const wechatReplyDeferred = eventType("revbridge/wechat.reply.deferred", {
  schema: z.object({
    dedupeKey: z.string().min(1),
    /** The verified, decrypted message fields, so the function can redo the (idempotent) work itself. */
    message: z.record(z.string(), z.string()),
  }),
});
