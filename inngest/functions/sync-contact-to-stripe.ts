import { inngest } from "@/inngest/client";
import { hubspotContactChanged } from "@/inngest/events";
import { providerErrorStatus } from "@/lib/connectors/errors";
import { deadLetterOnFailure, recordDeadLetter } from "@/lib/dead-letters/record";
import { readAndDecideContacts } from "@/lib/sync/hubspot-to-stripe/decide";
import { triageContactChanges } from "@/lib/sync/hubspot-to-stripe/triage";
import { applyStripeWrites, markStripeWriteFailed } from "@/lib/sync/hubspot-to-stripe/write";
import { errorText, settleRecord } from "@/lib/sync/step-errors";
import { inLane } from "@/lib/lane";

const FUNCTION_ID = "sync-contact-to-stripe";
const RETRIES = 8;
/**
 * 25 writes per step and 16 runs at once: up to 400 Stripe calls waiting on the governor (~4 s at
 * Stripe's rate, inside its 10 s maxWait) keep it busy, with half the runner round trips and commits
 * of ten per step. One step per record made the runner replay a growing history ~100 times per batch.
 */
const WRITES_PER_STEP = 25;

/**
 * HubSpot → Stripe, batched: up to 100 contact changes → one HubSpot batch read → one Stripe write
 * per contact that needs it (in parallel steps; the governor paces them at Stripe's limit).
 */
export const syncContactToStripeFunction = inngest.createFunction(
  {
    id: FUNCTION_ID,
    name: "Sync HubSpot contacts to Stripe customers",
    triggers: [hubspotContactChanged],
    batchEvents: { maxSize: 100, timeout: "1s" },
    concurrency: { limit: 16 },
    retries: RETRIES,
    onFailure: deadLetterOnFailure(FUNCTION_ID, {
      retries: RETRIES,
      subject: (d) => (typeof d.contactId === "string" ? `HUBSPOT:contact:${d.contactId}` : undefined),
    }),
  },
  async ({ events, step, attempt }) => {
    const candidates = await step.run("triage-changes", () =>
      triageContactChanges(events.map((e) => e.data)),
    );
    // The bulk lane (lib/lane.ts): a 10,000-contact burst reserves HubSpot and Stripe only a short
    // horizon ahead, so the few Stripe → HubSpot changes meanwhile do not wait behind it.
    const writes = await step.run("read-contacts-and-decide", () =>
      inLane("bulk", () => readAndDecideContacts(candidates)),
    );
    const outcomes: Awaited<ReturnType<typeof applyStripeWrites>> = [];
    for (let i = 0; i < writes.length; i += WRITES_PER_STEP) {
      const chunk = writes.slice(i, i + WRITES_PER_STEP);
      const settled = await step.run(`write-stripe-customers:${chunk[0]!.contactId}`, () =>
        inLane("bulk", () =>
          applyStripeWrites(chunk, (w, work) =>
            settleRecord(
              work,
              { attempt, retries: RETRIES },
              async (error) => {
                await markStripeWriteFailed(w, errorText(error), providerErrorStatus(error));
                await recordDeadLetter({
                  functionId: FUNCTION_ID,
                  eventName: hubspotContactChanged.name,
                  payload: {
                    contactId: w.contactId,
                    occurredAt: w.occurredAt,
                    subscriptionType: "revbridge.replay",
                  },
                  error: errorText(error),
                  attempts: attempt + 1,
                  subject: `HUBSPOT:contact:${w.contactId}`,
                });
              },
              // A twin request with the same create key and other values: retry once it has settled.
              (e) => /idempotency/i.test(JSON.stringify(e.body ?? "")),
            ),
          ),
        ),
      );
      outcomes.push(...(settled as typeof outcomes));
    }
    return {
      events: events.length,
      candidates: candidates.length,
      written: outcomes.filter((o) => o !== "dead_lettered").length,
      deadLettered: outcomes.filter((o) => o === "dead_lettered").length,
    };
  },
);
