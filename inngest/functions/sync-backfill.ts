import { inngest } from "@/inngest/client";
import { syncBackfillRequested } from "@/inngest/events";
import { toInngestError } from "@/lib/connectors/errors";
import { deadLetterOnFailure } from "@/lib/dead-letters/record";
import {
  hubspotBackfillPage,
  markBackfillFailed,
  readBackfill,
  saveBackfill,
  startOrResume,
  stripeBackfillPage,
} from "@/lib/sync/backfill";

const FUNCTION_ID = "sync-backfill";
const RETRIES = 5;
/** Pages per run: the run then re-sends the request to itself and continues, keeping each run's history short. */
const PAGES_PER_RUN = 50;
const recordFailure = deadLetterOnFailure(FUNCTION_ID, { retries: RETRIES, subject: () => "sync:backfill" });

async function wrap<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toInngestError(error);
  }
}

/**
 * The initial sync, both ways, resumable: pages through HubSpot contacts (optionally some lifecycle
 * stages) and Stripe customers, feeding the same sync functions as webhooks, saving the cursor in
 * AppSetting `sync.backfill` after every page. A crashed or cancelled run resumes from the cursor;
 * one that runs out of retries is marked `failed` with its error and resumes on the next request.
 */
export const syncBackfillFunction = inngest.createFunction(
  {
    id: FUNCTION_ID,
    name: "Backfill: initial sync both ways",
    triggers: [syncBackfillRequested],
    concurrency: { limit: 1 },
    retries: RETRIES,
    onFailure: async (args) => {
      await recordFailure(args);
      await markBackfillFailed(args.error.message || "unknown error");
    },
  },
  async ({ event, step, runId }) => {
    let progress = await step.run("start-or-resume", () => startOrResume(event.data, runId));
    for (let page = 0; page < PAGES_PER_RUN; page++) {
      const side = !progress.hubspot.done ? "hubspot" : !progress.stripe.done ? "stripe" : undefined;
      if (!side) break;
      const current = progress;
      const result = await step.run(`read-${side}-page-${page}`, () =>
        wrap(() => (side === "hubspot" ? hubspotBackfillPage(current) : stripeBackfillPage(current))),
      );
      if (result.events.length) await step.sendEvent(`send-${side}-page-${page}`, result.events);
      progress = await step.run(`save-progress-${page}`, async () => {
        const next = {
          ...current,
          [side]: {
            cursor: result.next,
            sent: current[side].sent + result.events.length,
            done: result.next === null,
          },
        };
        const finished = next.hubspot.done && next.stripe.done;
        const saved = { ...next, status: finished ? ("done" as const) : ("running" as const) };
        await saveBackfill(saved);
        return saved;
      });
    }
    if (progress.status === "running") {
      await step.sendEvent("continue", {
        name: syncBackfillRequested.name,
        data: { direction: progress.direction, lifecycleStages: progress.lifecycleStages },
      });
    }
    return step.run("report", () => readBackfill());
  },
);
