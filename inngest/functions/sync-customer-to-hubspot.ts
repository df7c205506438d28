import { inngest } from "@/inngest/client";
import { stripeObjectChanged } from "@/inngest/events";
import { deadLetterOnFailure, recordDeadLetter } from "@/lib/dead-letters/record";
import { errorText, settleRecord } from "@/lib/sync/step-errors";
import { readAndDecideCustomers } from "@/lib/sync/stripe-to-hubspot/decide";
import { triageCustomerChanges } from "@/lib/sync/stripe-to-hubspot/triage";
import {
  linkStripeCustomers,
  markCustomerSyncError,
  markHubspotWriteFailed,
  writeHubspotBatch,
  writeHubspotOne,
} from "@/lib/sync/stripe-to-hubspot/write";
import { NonRetriableError } from "inngest";
import { waitingPurchaseEvents } from "@/lib/sync/purchases";
import { inLane } from "@/lib/lane";

const FUNCTION_ID = "sync-customer-to-hubspot";
const RETRIES = 8;
const recordFailure = deadLetterOnFailure(FUNCTION_ID, {
  retries: RETRIES,
  subject: (d) => (typeof d.objectId === "string" ? `STRIPE:customer:${d.objectId}` : undefined),
});

/**
 * Stripe → HubSpot, batched: customer events gathered for up to 1 s (≤ 100) → one HubSpot batch
 * write → the records a 207 rejected are retried one by one → only what still fails is dead-lettered.
 */
export const syncCustomerToHubspotFunction = inngest.createFunction(
  {
    id: FUNCTION_ID,
    name: "Sync Stripe customers to HubSpot contacts",
    triggers: [
      {
        event: stripeObjectChanged.name,
        if: 'event.data.type == "customer.created" || event.data.type == "customer.updated" || event.data.type == "customer.deleted"',
      },
    ],
    batchEvents: { maxSize: 100, timeout: "1s" },
    // Not 4: in the seed burst every S→H query waits behind the H → S writes for a pooled connection,
    // a batch takes ~25 s, and four slots made the next batches wait ~20 s to start. Order per pair
    // does not rest on this limit (lib/sync/write-order.ts claims each customer state).
    concurrency: { limit: 10 },
    retries: RETRIES,
    onFailure: async (args) => {
      await recordFailure(args);
      const data = args.event.data.event.data as { objectId?: unknown } | undefined;
      if (typeof data?.objectId === "string") await markCustomerSyncError(data.objectId, args.error.message);
    },
  },
  async ({ events, step, attempt }) => {
    // Every step in the realtime lane (lib/lane.ts): its own connections, the head of the governor's line.
    const changes = events.map((e) => stripeObjectChanged.schema.parse(e.data));
    const candidates = await step.run("triage-changes", () =>
      inLane("realtime", () => triageCustomerChanges(changes)),
    );
    const writes = await step.run("read-customers-and-decide", () =>
      inLane("realtime", () => readAndDecideCustomers(candidates)),
    );
    const rejected = await step.run("batch-write-contacts", () =>
      inLane("realtime", () => writeHubspotBatch(writes)),
    );
    let deadLettered = 0;
    for (const r of rejected) {
      const w = writes.find((x) => x.customerId === r.customerId)!;
      const result = await step.run(`retry-contact:${r.customerId}`, () =>
        inLane("realtime", () =>
          settleRecord(
            async () => {
              const one = await writeHubspotOne(w);
              if (!one.ok) throw new NonRetriableError(`HubSpot rejected the contact: ${one.error}`);
              return "written" as const;
            },
            { attempt, retries: RETRIES },
            async (error) => {
              await markHubspotWriteFailed(w, errorText(error));
              await recordDeadLetter({
                functionId: FUNCTION_ID,
                eventName: stripeObjectChanged.name,
                payload: {
                  stripeEventId: `replay:${w.customerId}`,
                  type: "customer.updated",
                  objectId: w.customerId,
                  created: w.created,
                },
                error: errorText(error),
                attempts: attempt + 1,
                subject: `STRIPE:customer:${w.customerId}`,
              });
            },
          ),
        ),
      );
      if (result === "dead_lettered") deadLettered++;
    }
    const toLink = writes.filter((w) => w.needsLink && !rejected.some((r) => r.customerId === w.customerId));
    if (toLink.length)
      await step.run("link-stripe-customers", () =>
        inLane("realtime", () => linkStripeCustomers(toLink.map((w) => w.customerId))),
      );
    const written = writes
      .filter((w) => !rejected.some((r) => r.customerId === w.customerId))
      .map((w) => w.customerId);
    const waiting = await step.run("find-waiting-purchases", () =>
      inLane("realtime", () => waitingPurchaseEvents(written)),
    );
    if (waiting.length) await step.sendEvent("send-waiting-purchases", waiting);
    return {
      events: events.length,
      written: writes.length - rejected.length,
      retried: rejected.length,
      deadLettered,
    };
  },
);
