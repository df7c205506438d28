import { sweepInboxFunction } from "@/inngest/functions/sweep-inbox";
import { warehouseIngestFunction } from "@/inngest/functions/warehouse-ingest";
import { importPreviewFunction } from "@/inngest/functions/import-preview";
import { importRunFunction } from "@/inngest/functions/import-run";
import { outboxDeliverFunction } from "@/inngest/functions/outbox-deliver";
import { outboxDrainFunction } from "@/inngest/functions/outbox-drain";
import { outboxFanOutFunction } from "@/inngest/functions/outbox-fan-out";
import { identityHubspotCatchUpFunction } from "@/inngest/functions/identity-hubspot-catch-up";
import { identityHubspotContactFunction } from "@/inngest/functions/identity-hubspot-contact";
import { identityReconcileFunction } from "@/inngest/functions/identity-reconcile";
import { identityWriteBackFunction } from "@/inngest/functions/identity-write-back";
import { openapplyPollFunction } from "@/inngest/functions/openapply-poll";
import { webhookDispatchFunctions } from "@/inngest/functions/process-webhook";
import { pruneRateLimitHistoryFunction } from "@/inngest/functions/prune-rate-limit-history";
import { syncContactToStripeFunction } from "@/inngest/functions/sync-contact-to-stripe";
import { syncCustomerToHubspotFunction } from "@/inngest/functions/sync-customer-to-hubspot";
import { syncPurchaseToHubspotFunction } from "@/inngest/functions/sync-purchase-to-hubspot";
import { syncResyncFunction } from "@/inngest/functions/sync-resync";
import { syncBackfillFunction } from "@/inngest/functions/sync-backfill";
import { syncCatchUpFunction } from "@/inngest/functions/sync-catch-up";
import { wechatReplyPushFunction } from "@/inngest/functions/wechat-reply-push";

/** Every function served at /api/inngest. */
export const functions = [
  sweepInboxFunction,
  warehouseIngestFunction,
  outboxDeliverFunction,
  outboxDrainFunction,
  outboxFanOutFunction,
  importRunFunction,
  importPreviewFunction,
  identityHubspotContactFunction,
  identityHubspotCatchUpFunction,
  identityReconcileFunction,
  identityWriteBackFunction,
  openapplyPollFunction,
  ...webhookDispatchFunctions,
  syncContactToStripeFunction,
  syncCustomerToHubspotFunction,
  syncPurchaseToHubspotFunction,
  syncResyncFunction,
  syncBackfillFunction,
  syncCatchUpFunction,
  wechatReplyPushFunction,
  pruneRateLimitHistoryFunction,
];
