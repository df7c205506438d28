import { inngest } from "@/inngest/client";
import { stripeObjectChanged } from "@/inngest/events";
import { deadLetterOnFailure } from "@/lib/dead-letters/record";
import { inLane } from "@/lib/lane";
import { toInngestError } from "@/lib/connectors/errors";
import { releasePurchaseClaims, syncPurchasesToHubspot } from "@/lib/sync/purchase-hubspot";
import { recordPurchases, unpairedPurchases } from "@/lib/sync/purchases";

const FUNCTION_ID = "sync-purchase-to-hubspot";
const RETRIES = 8;
/**
 * How long a purchase waits for its new customer to be paired with a contact (S→H runs in parallel);
 * past that it is recorded unsent, and the S→H function re-sends it once it pairs the customer.
 */
const PAIRING_WAITS = 3;

const deadLetter = deadLetterOnFailure(FUNCTION_ID, {
  retries: RETRIES,
  subject: (d) => (typeof d.objectId === "string" ? `STRIPE:purchase:${d.objectId}` : undefined),
});

/**
 * Purchases → HubSpot, batched, several runs at once. The three events one checkout produces
 * (payment_intent.succeeded, invoice.paid, checkout.session.completed) may land in different runs:
 * recording locks the payment's refs, so they fold into one Purchase row, and a run sends only the
 * purchases it claimed (lib/sync/purchase-hubspot.ts), so each goes to HubSpot once. Concurrency
 * counts steps in flight: at 1, ~20 overlapping runs of 3–4 steps each queued behind one another
 * (a run's next step waited ~30 s). The common case — every customer already paired — is one step.
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
    concurrency: { limit: 8 },
    retries: RETRIES,
    onFailure: async (args) => {
      // Its claims go back first, so replaying the dead letter sends those purchases at once.
      await releasePurchaseClaims(args.event.data.run_id);
      await deadLetter(args);
    },
  },
  async ({ events, step, runId }) => {
    const changes = events.map((e) => stripeObjectChanged.schema.parse(e.data));
    // Every step in the realtime lane (lib/lane.ts): its own connections, the head of the governor's line.
    const first = await step.run("record-and-send", () =>
      wrap(async () => {
        const ids = await recordPurchases(changes);
        if ((await unpairedPurchases(ids)).length > 0) return { ids, result: null };
        return { ids, result: await syncPurchasesToHubspot(ids, runId) };
      }),
    );
    const { ids } = first;
    if (first.result) return { events: events.length, purchases: ids.length, ...first.result };
    for (let i = 0; i < PAIRING_WAITS; i++) {
      await step.sleep(`wait-for-pairing-${i}`, "1s");
      const unpaired = await step.run(`check-pairing-${i}`, () => wrap(() => unpairedPurchases(ids)));
      if (unpaired.length === 0) break;
    }
    const result = await step.run("write-hubspot", () => wrap(() => syncPurchasesToHubspot(ids, runId)));
    return { events: events.length, purchases: ids.length, ...result };
  },
);

async function wrap<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await inLane("realtime", work);
  } catch (error) {
    throw toInngestError(error);
  }
}
