import { inngest } from "@/inngest/client";
import { outboxBatchAccepted } from "@/inngest/events";
import { rowEvents } from "@/lib/events/hand-off";

/**
 * One API request's accepted rows → one `outbox.event.accepted` per row, so each row is delivered,
 * retried and dead-lettered on its own. Per-row event ids are stable: the drain's re-send of the
 * same row is deduplicated by Inngest.
 */
export const outboxFanOutFunction = inngest.createFunction(
  {
    id: "outbox-fan-out",
    name: "Fan out a batch of accepted lifecycle events",
    triggers: [outboxBatchAccepted],
  },
  async ({ event, step }) => {
    await step.sendEvent("fan-out", rowEvents(event.data.outboxEventIds));
    return { rows: event.data.outboxEventIds.length };
  },
);
