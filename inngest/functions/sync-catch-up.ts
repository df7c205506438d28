import { inngest } from "@/inngest/client";
import { toInngestError } from "@/lib/connectors/errors";
import { hubspotCatchUpEvents, stripeCatchUpEvents } from "@/lib/sync/catch-up";

async function wrap<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toInngestError(error);
  }
}

/** Hourly: repairs missed webhooks from Stripe's event list and HubSpot's recently modified contacts. */
export const syncCatchUpFunction = inngest.createFunction(
  {
    id: "sync-catch-up",
    name: "Catch up on missed webhooks (hourly)",
    triggers: [{ cron: "17 * * * *" }],
    concurrency: { limit: 1 },
    retries: 3,
  },
  async ({ step }) => {
    const stripeEvents = await step.run("list-stripe-events", () => wrap(() => stripeCatchUpEvents()));
    if (stripeEvents.length) await step.sendEvent("send-stripe-events", stripeEvents);
    const hubspotEvents = await step.run("search-hubspot-contacts", () => wrap(() => hubspotCatchUpEvents()));
    if (hubspotEvents.length) await step.sendEvent("send-hubspot-events", hubspotEvents);
    return { stripe: stripeEvents.length, hubspot: hubspotEvents.length };
  },
);
