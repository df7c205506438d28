import { inngest } from "@/inngest/client";
import { pruneRateLimitHistory } from "@/lib/sync/rate-limit-history";

/** Daily at 03:30 UTC (a quiet hour for a school in China): drop governor counts past their retention. */
export const pruneRateLimitHistoryFunction = inngest.createFunction(
  {
    id: "prune-rate-limit-history",
    name: "Prune the governor's per-minute call counts past retention",
    triggers: [{ cron: "30 3 * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) => ({ deleted: await step.run("prune", () => pruneRateLimitHistory()) }),
);
