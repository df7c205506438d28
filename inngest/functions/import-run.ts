import { inngest } from "@/inngest/client";
import { importCancelRequested, importRunRequested } from "@/inngest/events";
import { toInngestError } from "@/lib/connectors/errors";
import { deadLetterOnFailure } from "@/lib/dead-letters/record";
import { finishRun, prepareRun, writeWave } from "@/lib/imports/run";
import { defaultPhoneCountry } from "@/lib/imports/settings";
import { planBatches } from "@/lib/imports/write-batch";

export const IMPORT_RUN_ID = "import-run";
const RETRIES = 8;
/**
 * Batches per step, and how many of them are in flight at once. The governor, not these numbers,
 * keeps HubSpot under its limit. A step carries a wave of batches rather than one, because each
 * step costs the executor a round trip and a replay of the function: with one batch per step the
 * run was limited by that overhead (about 3 requests/s against a 10/s limit), not by HubSpot.
 * 20 batches at 10 requests/s keep a step to a few seconds, well inside a serverless time limit.
 */
const BATCHES_PER_STEP = 20;
const PARALLEL_BATCHES = 10;

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
 * Fans an import out over steps: companies first (contacts associate to them), then contacts
 * (tickets associate to them), then tickets; within an object, each step writes a wave of batches
 * of 100 in parallel. A crash resumes at the first unfinished wave, and a wave retried after a 429
 * or a 5xx rewrites nothing twice: only rows still pending are written (lib/imports/write-batch.ts).
 * Cancelling (`revbridge/import.cancel.requested`) stops the run between steps.
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
    for (const object of objects) {
      const batches = await step.run(`plan-${object}`, () => planBatches(jobId, object));
      for (let i = 0; i < batches.length; i += BATCHES_PER_STEP) {
        const wave = batches.slice(i, i + BATCHES_PER_STEP);
        const result = await step.run(`write-${object}-${i}`, () =>
          governed(() => writeWave(jobId, object, wave, PARALLEL_BATCHES)),
        );
        if (result.cancelled) break;
      }
    }
    const report = await step.run("finish", () => finishRun(jobId));
    return { status: report.status, totals: report.totals };
  },
);
