import { inngest } from "@/inngest/client";
import { identityReconcileRequested } from "@/inngest/events";
import { toInngestError } from "@/lib/connectors/errors";
import { openApplyConfigured } from "@/lib/connectors/openapply/client";
import { deadLetterOnFailure } from "@/lib/dead-letters/record";
import { env } from "@/lib/env";
import { pollOpenApplyPage } from "@/lib/identity/openapply-source";
import { localHour, scanHubspotPage, type TScanPage } from "@/lib/identity/scan";
import { readIdentitySettings } from "@/lib/identity/settings";

export const IDENTITY_RECONCILE_ID = "identity-reconcile";
const RETRIES = 3;
const MAX_HUBSPOT_PAGES = 1000;
const MAX_OPENAPPLY_PAGES = 500;

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toInngestError(error);
  }
}

/**
 * The nightly backstop: every HubSpot contact with a code and no OpenID, and every OpenApply student
 * with a code and no OpenID, is matched again. The cron fires hourly and the run proceeds only at
 * the configured local hour (default 02:00 Asia/Shanghai) — so the zone and hour are console
 * settings rather than a redeploy. A request event runs it at once.
 */
export const identityReconcileFunction = inngest.createFunction(
  {
    id: IDENTITY_RECONCILE_ID,
    name: "Nightly reconciliation of unmatched WeChat codes",
    triggers: [{ cron: "0 * * * *" }, identityReconcileRequested],
    retries: RETRIES,
    concurrency: { limit: 1 },
    onFailure: deadLetterOnFailure(IDENTITY_RECONCILE_ID, {
      retries: RETRIES,
      subject: () => "identity:reconcile",
    }),
  },
  async ({ event, step }) => {
    const plan = await step.run("plan", async () => {
      const settings = await readIdentitySettings();
      const requested = event.name === identityReconcileRequested.name;
      const due = requested || localHour(new Date(), settings.reconcileTimeZone) === settings.reconcileHour;
      return {
        due,
        hubspot: due && Boolean(env().HUBSPOT_ACCESS_TOKEN),
        openapply: due && openApplyConfigured(),
      };
    });
    if (!plan.due) return { skipped: "not_the_hour" };

    const hubspot = { seen: 0, linked: 0, review: 0 };
    if (plan.hubspot) {
      let afterId: string | null = null;
      for (let page = 1; page <= MAX_HUBSPOT_PAGES; page++) {
        const cursor: string | null = afterId;
        const r: TScanPage = await step.run(`hubspot-page-${page}`, (): Promise<TScanPage> =>
          guarded(() => scanHubspotPage({ unmatchedOnly: true, afterId: cursor })),
        );
        hubspot.seen += r.seen;
        hubspot.linked += r.linked;
        hubspot.review += r.review;
        afterId = r.nextAfterId;
        if (!afterId) break;
      }
    }

    const openapply = { seen: 0, linked: 0, review: 0 };
    if (plan.openapply) {
      for (let page = 1; page <= MAX_OPENAPPLY_PAGES; page++) {
        const r = await step.run(`openapply-page-${page}`, () =>
          guarded(() => pollOpenApplyPage({ updatedSince: null, page, unmatchedOnly: true })),
        );
        openapply.seen += r.processed;
        openapply.linked += r.linked;
        openapply.review += r.review;
        if (page >= r.pages) break;
      }
    }
    return { hubspot, openapply };
  },
);
