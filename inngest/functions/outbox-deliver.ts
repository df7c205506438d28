import { inngest } from "@/inngest/client";
import { outboxEventAccepted } from "@/inngest/events";
import { toInngestError } from "@/lib/connectors/errors";
import { deadLetterOnFailure } from "@/lib/dead-letters/record";
import {
  loadAndPlan,
  recordAttemptFailure,
  recordDead,
  recordDryRun,
  recordSent,
  sendTimeline,
  upsertContact,
} from "@/lib/events/deliver";

export const OUTBOX_DELIVER_ID = "outbox-deliver";
/** 5 attempts per step over ~4 minutes (Inngest backoff), then the dead letters. */
export const OUTBOX_DELIVER_RETRIES = 4;

const toDeadLetter = deadLetterOnFailure(OUTBOX_DELIVER_ID, {
  retries: OUTBOX_DELIVER_RETRIES,
  subject: (data) => (typeof data.outboxEventId === "string" ? `OUTBOX:${data.outboxEventId}` : undefined),
});

/** Runs a step's work; a failure is counted on the row before Inngest decides to retry. */
async function attempt<T>(outboxEventId: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await recordAttemptFailure(outboxEventId, error);
    throw toInngestError(error);
  }
}

/**
 * One accepted lifecycle event → HubSpot (live) or a recorded plan (dry run). The mode is the one
 * the event was accepted under, so switching to live never sends events accepted during a dry run.
 */
export const outboxDeliverFunction = inngest.createFunction(
  {
    id: OUTBOX_DELIVER_ID,
    name: "Deliver a lifecycle event to HubSpot",
    triggers: [outboxEventAccepted],
    retries: OUTBOX_DELIVER_RETRIES,
    // One run per row at a time (a drain re-send and a replay must not race each other).
    concurrency: [{ limit: 1, key: "event.data.outboxEventId" }, { limit: 10 }],
    onFailure: async (args) => {
      const id = (args.event.data.event.data as { outboxEventId?: string } | undefined)?.outboxEventId;
      if (id) await recordDead(id, `retries exhausted: ${args.error.message}`);
      await toDeadLetter(args as Parameters<typeof toDeadLetter>[0]);
    },
  },
  async ({ event, step }) => {
    const { outboxEventId } = event.data;
    const loaded = await step.run("load-and-plan", () => loadAndPlan(outboxEventId));
    if (loaded.skip) return { skipped: loaded.reason };
    const { plan } = loaded;
    if (loaded.mode === "dry_run") {
      const { problems } = await step.run("dry-run", () =>
        attempt(outboxEventId, () => recordDryRun(outboxEventId, plan)),
      );
      return { mode: "dry_run", problems };
    }
    const contactId = await step.run("upsert-contact", () =>
      attempt(outboxEventId, () => upsertContact(plan)),
    );
    const timeline = await step.run("timeline", () =>
      attempt(outboxEventId, () => sendTimeline(plan, contactId, loaded.type)),
    );
    await step.run("record-sent", () => recordSent(outboxEventId, plan, contactId, timeline));
    return { mode: "live", contactId, timeline: timeline.kind };
  },
);
