import { inngest } from "@/inngest/client";
import { webhookReceived } from "@/inngest/events";
import { deadLetterOnFailure } from "@/lib/dead-letters/record";
import { loadPendingRows, markDispatched, planDispatch } from "@/lib/sync/dispatch";
import { inLane, type TLane } from "@/lib/lane";

const RETRIES = 5;

/**
 * Consumes `revbridge/webhook.received`: loads the inbox rows, routes them by provider and type into
 * domain events (`hubspot.contact.changed`, `stripe.object.changed`) and only then marks them
 * PROCESSED (or IGNORED, with the reason; Stripe echoes of our own writes among them). Batched:
 * HubSpot delivers up to 100 events per request, and one run per batch keeps the burst cheap. Domain
 * event ids derive from the inbox row, so a repeated run sends nothing new.
 *
 * Two functions, one per lane: Stripe rows have their own dispatcher, so the few real Stripe changes
 * (customers, purchases: S → H lag target 5 s) never wait behind tens of thousands of HubSpot rows a
 * contact burst puts into the inbox. Inngest orders a function's runs first come, first served.
 */
function dispatcher(id: string, name: string, lane: string, concurrency: number, workLane?: TLane) {
  return inngest.createFunction(
    {
      id,
      name,
      triggers: [{ event: webhookReceived.name, if: lane }],
      batchEvents: { maxSize: 100, timeout: "1s" },
      concurrency: { limit: concurrency },
      retries: RETRIES,
      onFailure: deadLetterOnFailure(id, {
        retries: RETRIES,
        subject: (d) => (typeof d.webhookEventId === "string" ? `inbox:${d.webhookEventId}` : undefined),
      }),
    },
    async ({ events }) => {
      const ids = [...new Set(events.map((e) => String(e.data.webhookEventId)))];
      // No step: a run is one SDK call (a step cost a second call: ~2 s per run under a burst's load).
      // The body is idempotent, which is all a step would add: a retried run re-plans the rows still
      // pending and re-sends the same event ids, which Inngest drops.
      const dispatch = async () => {
        const plan = planDispatch(await loadPendingRows(ids));
        if (plan.events.length > 0)
          await inngest.send(plan.events.map((e) => ({ id: e.id, name: e.name, data: e.data })));
        await markDispatched(plan);
        return plan;
      };
      const plan = workLane ? await inLane(workLane, dispatch) : await dispatch();
      return {
        rows: ids.length,
        emitted: plan.events.length,
        ignored: plan.ignored.length,
        echoes: plan.echoes.length,
      };
    },
  );
}

export const processWebhookFunction = dispatcher(
  "process-webhook",
  "Dispatch webhook inbox rows to the sync engine",
  'event.data.provider != "STRIPE"',
  8,
);

export const processStripeWebhookFunction = dispatcher(
  "process-stripe-webhook",
  "Dispatch Stripe webhook inbox rows to the sync engine",
  'event.data.provider == "STRIPE"',
  4,
  // Its statements use the realtime lane's connections: the Stripe changes it routes have a 5 s target.
  "realtime",
);

/** Both dispatchers: serve them together (a lane without its function leaves its rows HANDED_OFF). */
export const webhookDispatchFunctions = [processWebhookFunction, processStripeWebhookFunction];
