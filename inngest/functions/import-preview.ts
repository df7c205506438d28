import { inngest } from "@/inngest/client";
import { importPreviewRequested } from "@/inngest/events";
import { toInngestError } from "@/lib/connectors/errors";
import { db } from "@/lib/db";
import { previewJob } from "@/lib/imports/preview";
import { defaultPhoneCountry } from "@/lib/imports/settings";

/**
 * The dry run off the request path: validating and looking up a 100 MB file takes longer than a
 * request should. The console polls the job; `progress.preview` holds the counts when done.
 */
export const importPreviewFunction = inngest.createFunction(
  {
    id: "import-preview",
    name: "Preview a CSV import (dry run)",
    triggers: [importPreviewRequested],
    retries: 4,
    concurrency: [{ limit: 1, key: "event.data.jobId" }],
    onFailure: async (args) => {
      const jobId = (args.event.data.event.data as { jobId?: string } | undefined)?.jobId;
      if (jobId) {
        await db().importJob.update({
          where: { id: jobId },
          data: { progress: { previewError: args.error.message.slice(0, 500) } },
        });
      }
    },
  },
  async ({ event, step }) => {
    const { jobId } = event.data;
    const counts = await step.run("preview", async () => {
      try {
        return await previewJob(jobId, defaultPhoneCountry());
      } catch (error) {
        throw toInngestError(error);
      }
    });
    return { counts };
  },
);
