import { inngest } from "@/inngest/client";
import { warehouseIngestRequested } from "@/inngest/events";
import { toInngestError } from "@/lib/connectors/errors";
import { deadLetterOnFailure } from "@/lib/dead-letters/record";
import { env } from "@/lib/env";
import { WAREHOUSE_OBJECT_TYPES } from "@/lib/warehouse/hubspot-objects";
import {
  finishIngestRun,
  ingestObjectType,
  isScheduledRunDue,
  markRunningIngestFailed,
  startIngestRun,
  type TStartedRun,
} from "@/lib/warehouse/ingest-run";

export const WAREHOUSE_INGEST_ID = "warehouse-ingest";
const RETRIES = 3;

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toInngestError(error);
  }
}

/** Dates come back from step memoisation as strings; the plan carries them as numbers/ISO. */
function revive(run: TStartedRun): TStartedRun {
  return { ...run, plan: { ...run.plan, runStartedAt: new Date(run.plan.runStartedAt) } };
}

/**
 * The warehouse ingest. The cron fires every 5 minutes and runs only when the configured schedule
 * (every 5 min / hourly / daily / off) says a run is due; "Run now" sends the request event. One
 * run at a time (concurrency 1, and startIngestRun refuses overlaps). Each object type is its own
 * step, run in parallel so the governor, not the loop, sets the pace.
 */
export const warehouseIngestFunction = inngest.createFunction(
  {
    id: WAREHOUSE_INGEST_ID,
    name: "Warehouse: ingest HubSpot contacts, companies and deals",
    triggers: [{ cron: "*/5 * * * *" }, warehouseIngestRequested],
    retries: RETRIES,
    concurrency: { limit: 1 },
    onFailure: async (args) => {
      await markRunningIngestFailed(args.error.message || "failed");
      await deadLetterOnFailure(WAREHOUSE_INGEST_ID, { retries: RETRIES, subject: () => "warehouse:ingest" })(
        args,
      );
    },
  },
  async ({ event, step }) => {
    const requested = event.name === warehouseIngestRequested.name;
    const kind = requested ? (event.data as { kind: "full" | "incremental" }).kind : "incremental";
    const started = await step.run("start", async () => {
      if (!env().HUBSPOT_ACCESS_TOKEN) return { skipped: "hubspot_not_connected" as const };
      if (!requested && !(await isScheduledRunDue())) return { skipped: "not_due" as const };
      return { run: await startIngestRun(kind) };
    });
    if ("skipped" in started) return started;
    const run = revive(started.run as unknown as TStartedRun);
    const results = await Promise.all(
      WAREHOUSE_OBJECT_TYPES.map((type) =>
        step.run(`ingest ${type}`, () => guarded(() => ingestObjectType(type, run.plan))),
      ),
    );
    const counts = Object.fromEntries(WAREHOUSE_OBJECT_TYPES.map((t, i) => [t, results[i]]));
    await step.run("finish", () => finishIngestRun(run, { counts }));
    return { runId: run.runId, kind: run.plan.kind, counts };
  },
);
