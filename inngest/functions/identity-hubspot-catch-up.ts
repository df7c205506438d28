import { inngest } from "@/inngest/client";
import { identityCatchUpRequested } from "@/inngest/events";
import { toInngestError } from "@/lib/connectors/errors";
import { deadLetterOnFailure } from "@/lib/dead-letters/record";
import { env } from "@/lib/env";
import {
  CATCH_UP_OVERLAP_MS,
  readCatchUpSince,
  saveCatchUpSince,
  scanHubspotPage,
  type TScanPage,
} from "@/lib/identity/scan";

export const IDENTITY_HUBSPOT_CATCH_UP_ID = "identity-hubspot-catch-up";
const RETRIES = 3;
const MAX_PAGES = 100;

/**
 * Every 10 minutes: HubSpot contacts with a code modified since the last run (minus an overlap for
 * search-index lag) are matched — the backstop for a webhook HubSpot never delivered.
 */
export const identityHubspotCatchUpFunction = inngest.createFunction(
  {
    id: IDENTITY_HUBSPOT_CATCH_UP_ID,
    name: "Catch up on WeChat codes in HubSpot (search)",
    triggers: [{ cron: "*/10 * * * *" }, identityCatchUpRequested],
    retries: RETRIES,
    concurrency: { limit: 1 },
    onFailure: deadLetterOnFailure(IDENTITY_HUBSPOT_CATCH_UP_ID, {
      retries: RETRIES,
      subject: () => "HUBSPOT:identity-catch-up",
    }),
  },
  async ({ event, step }) => {
    const window = await step.run("window", async () => {
      const startedMs = Date.now();
      if (!env().HUBSPOT_ACCESS_TOKEN) return { connected: false as const, sinceMs: 0, startedMs };
      const requested = (event.data as { sinceMs?: number } | undefined)?.sinceMs;
      return {
        connected: true as const,
        sinceMs: requested ?? (await readCatchUpSince(startedMs)),
        startedMs,
      };
    });
    if (!window.connected) return { skipped: "not_connected" };

    let afterId: string | null = null;
    const totals = { seen: 0, linked: 0, review: 0, pages: 0 };
    for (let page = 1; page <= MAX_PAGES; page++) {
      const cursor: string | null = afterId;
      const r: TScanPage = await step.run(`page-${page}`, async (): Promise<TScanPage> => {
        try {
          return await scanHubspotPage({ modifiedSinceMs: window.sinceMs, afterId: cursor });
        } catch (error) {
          throw toInngestError(error);
        }
      });
      totals.seen += r.seen;
      totals.linked += r.linked;
      totals.review += r.review;
      totals.pages = page;
      afterId = r.nextAfterId;
      if (!afterId) break;
    }
    await step.run("save-cursor", () => saveCatchUpSince(window.startedMs - CATCH_UP_OVERLAP_MS));
    return { ...totals, sinceMs: window.sinceMs };
  },
);
