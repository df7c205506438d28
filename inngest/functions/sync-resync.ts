import { inngest } from "@/inngest/client";
import { hubspotContactChanged, stripeObjectChanged, syncResyncRequested } from "@/inngest/events";

/**
 * Manual resync of one record (console, OPERATOR; the console audits the request): turned into the
 * same domain event a webhook would produce, marked so staleness and "unchanged" checks do not skip it.
 */
export const syncResyncFunction = inngest.createFunction(
  { id: "sync-resync", name: "Resync one record on request", triggers: [syncResyncRequested], retries: 3 },
  async ({ event, step }) => {
    const { system, objectId } = event.data;
    const now = Date.now();
    if (system === "HUBSPOT") {
      await step.sendEvent("send-contact-change", {
        id: `resync:HUBSPOT:${objectId}:${now}`,
        name: hubspotContactChanged.name,
        data: { contactId: objectId, occurredAt: now, subscriptionType: "revbridge.resync" },
      });
    } else {
      await step.sendEvent("send-customer-change", {
        id: `resync:STRIPE:${objectId}:${now}`,
        name: stripeObjectChanged.name,
        data: {
          stripeEventId: `resync:${objectId}:${now}`,
          type: "customer.updated",
          objectId,
          created: Math.floor(now / 1000),
        },
      });
    }
    return { system, objectId };
  },
);
