import { inngest } from "@/inngest/client";
import { importCancelRequested, importRunRequested } from "@/inngest/events";
import { toInngestError } from "@/lib/connectors/errors";
import { deadLetterOnFailure } from "@/lib/dead-letters/record";
import { finishRun, prepareRun, writePending } from "@/lib/imports/run";
import { defaultPhoneCountry } from "@/lib/imports/settings";

export const IMPORT_RUN_ID = "import-run";
const RETRIES = 8;
/**
 * How long one step keeps starting batches. A step costs the executor a round trip and a replay
 * of the function, and every step boundary drains the batches in flight, so steps are few and
 * long: one queue of batches keeps every governor slot busy across objects for up to 10 s, then
 * the step returns (well inside a serverless time limit) and the next one resumes from the rows
 * still pending. With one step per wave of 20 batches the run lost about 6 s in 23 to boundaries.
 */
const STEP_BUDGET_MS = 10_000;
const PARALLEL_BATCHES = 10;
/** A safety stop: a step that wrote nothing and is not done means something is stuck. */
const MAX_WRITE_STEPS = 1000;

const toDeadLetter = deadLetterOnFailure(IMPORT_RUN_ID, {
  retries: RETRIES,
  subject: (data) => (typeof data.jobId === "string" ? `IMPORT:${data.jobId}` : undefined),
});

async function governed<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // 429 → RetryAfterError (sleep exactly as told); other 4xx of a whole call → no retry; 5xx → backoff.
    throw toInngestError(error);
  }
}

/**
 * Writes an import in time-boxed steps: companies first (contacts associate to them), then
 * contacts (tickets associate to them), then tickets, batches of 100 from one queue with up to 10
 * in flight. A crash or a retried step (429: RetryAfterError; 5xx: backoff) resumes with the rows
 * still pending and rewrites nothing twice (lib/imports/write-batch.ts). Cancelling
 * (`revbridge/import.cancel.requested`) stops the run before the next batch.
 */
export const importRunFunction = inngest.createFunction(
  {
    id: IMPORT_RUN_ID,
    name: "Import CSV rows into HubSpot",
    triggers: [importRunRequested],
    retries: RETRIES,
    concurrency: [{ limit: 1, key: "event.data.jobId" }],
    cancelOn: [{ event: importCancelRequested, match: "data.jobId" }],
    onFailure: async (args) => {
      const jobId = (args.event.data.event.data as { jobId?: string } | undefined)?.jobId;
      if (jobId) await finishRun(jobId).catch(() => undefined);
      await toDeadLetter(args as Parameters<typeof toDeadLetter>[0]);
    },
  },
  async ({ event, step }) => {
    const { jobId } = event.data;
    const { objects } = await step.run("prepare", () =>
      governed(() => prepareRun(jobId, defaultPhoneCountry())),
    );
    for (let i = 0; i < MAX_WRITE_STEPS; i++) {
      const result = await step.run(`write-${i}`, () =>
        governed(() =>
          writePending(jobId, objects, {
            parallel: PARALLEL_BATCHES,
            deadline: Date.now() + STEP_BUDGET_MS,
          }),
        ),
      );
      if (result.done || result.cancelled || result.written === 0) break;
    }
    const report = await step.run("finish", () => finishRun(jobId));
    return { status: report.status, totals: report.totals };
  },
);
