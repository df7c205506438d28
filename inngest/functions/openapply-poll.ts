import { inngest } from "@/inngest/client";
import { openapplyPollRequested } from "@/inngest/events";
import { toInngestError } from "@/lib/connectors/errors";
import { openApplyConfigured } from "@/lib/connectors/openapply/client";
import { deadLetterOnFailure } from "@/lib/dead-letters/record";
import {
  advanceOpenApplyCursor,
  pollOpenApplyPage,
  readOpenApplyCursor,
} from "@/lib/identity/openapply-source";

export const OPENAPPLY_POLL_ID = "openapply-poll";
const RETRIES = 3;
/** 100 students a page; a run covering more than this many pages leaves the cursor and says so. */
const MAX_PAGES = 200;

/**
 * Every 5 minutes (or on request): students changed since the cursor (`updated_since`) → Application
 * rows (status, applied, enrolled) and their WeChat code custom field matched and written back.
 * The cursor moves to the newest `updated_at` seen only after every page succeeded.
 */
export const openapplyPollFunction = inngest.createFunction(
  {
    id: OPENAPPLY_POLL_ID,
    name: "Poll OpenApply for applications and WeChat codes",
    triggers: [{ cron: "*/5 * * * *" }, openapplyPollRequested],
    retries: RETRIES,
    concurrency: { limit: 1 },
    onFailure: deadLetterOnFailure(OPENAPPLY_POLL_ID, { retries: RETRIES, subject: () => "OPENAPPLY:poll" }),
  },
  async ({ event, step }) => {
    const start = await step.run("read-cursor", async () => {
      if (!openApplyConfigured()) return { connected: false as const, since: null };
      const restart = event.name === openapplyPollRequested.name && Boolean(event.data.restart);
      const since = restart ? null : await readOpenApplyCursor();
      return { connected: true as const, since: since?.toISOString() ?? null };
    });
    if (!start.connected) return { skipped: "not_connected" };

    const since = start.since ? new Date(start.since) : null;
    let newest: string | null = null;
    const totals = { processed: 0, linked: 0, review: 0, pages: 0 };
    for (let page = 1; page <= MAX_PAGES; page++) {
      const r = await step.run(`page-${page}`, async () => {
        try {
          return await pollOpenApplyPage({ updatedSince: since, page });
        } catch (error) {
          throw toInngestError(error);
        }
      });
      totals.processed += r.processed;
      totals.linked += r.linked;
      totals.review += r.review;
      totals.pages = page;
      if (r.newestUpdatedAt && (!newest || Date.parse(r.newestUpdatedAt) > Date.parse(newest)))
        newest = r.newestUpdatedAt;
      if (page >= r.pages) {
        const to = newest;
        if (to) await step.run("advance-cursor", () => advanceOpenApplyCursor(new Date(to)));
        return { ...totals, cursor: to ?? start.since };
      }
    }
    // More than MAX_PAGES changed at once: keep the cursor so nothing is skipped; the next run goes on.
    return { ...totals, cursor: start.since, truncated: true };
  },
);
