import { inngest } from "@/inngest/client";
import { stripeObjectChanged } from "@/inngest/events";
import { deadLetterOnFailure } from "@/lib/dead-letters/record";
import { toInngestError } from "@/lib/connectors/errors";
import { recordPurchases, syncPurchasesToHubspot, unpairedPurchases } from "@/lib/sync/purchases";

const FUNCTION_ID = "sync-purchase-to-hubspot";
const RETRIES = 8;
/**
 * How long a purchase waits for its new customer to be paired with a contact (S→H runs in parallel);
 * past that it is recorded unsent, and the S→H function re-sends it once it pairs the customer.
 */
const PAIRING_WAITS = 3;

/**
 * Purchases → HubSpot. Batched and one run at a time, so the three events one checkout produces
 * (payment_intent.succeeded, invoice.paid, checkout.session.completed) meet in one place and count once.
 */
export const syncPurchaseToHubspotFunction = inngest.createFunction(
  {
    id: FUNCTION_ID,
    name: "Record Stripe purchases and send them to HubSpot",
    triggers: [
      {
        event: stripeObjectChanged.name,
        if: 'event.data.type == "checkout.session.completed" || event.data.type == "invoice.paid" || event.data.type == "payment_intent.succeeded"',
      },
    ],
    batchEvents: { maxSize: 100, timeout: "2s" },
    concurrency: { limit: 1 },
    retries: RETRIES,
    onFailure: deadLetterOnFailure(FUNCTION_ID, {
      retries: RETRIES,
      subject: (d) => (typeof d.objectId === "string" ? `STRIPE:purchase:${d.objectId}` : undefined),
    }),
  },
  async ({ events, step }) => {
    const changes = events.map((e) => stripeObjectChanged.schema.parse(e.data));
    const ids = await step.run("record-purchases", () => wrap(() => recordPurchases(changes)));
    for (let i = 0; i < PAIRING_WAITS; i++) {
      const unpaired = await step.run(`check-pairing-${i}`, () => unpairedPurchases(ids));
      if (unpaired.length === 0) break;
      await step.sleep(`wait-for-pairing-${i}`, "1s");
    }
    const result = await step.run("write-hubspot", () => wrap(() => syncPurchasesToHubspot(ids)));
    return { events: events.length, purchases: ids.length, ...result };
  },
);

async function wrap<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toInngestError(error);
  }
}
