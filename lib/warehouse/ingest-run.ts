import "server-only";
import { db, type Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/logger";
import { WAREHOUSE_OBJECT_TYPES, type TWarehouseObjectType } from "@/lib/warehouse/hubspot-objects";
import { ingestObjectType, type TTypeCounts, type TTypePlan } from "@/lib/warehouse/ingest-type";
import { repairWarehouseFacts, type TFactRepair } from "@/lib/warehouse/fact-repair";
import { readWarehouseSettings, SCHEDULE_INTERVAL_MS } from "@/lib/warehouse/settings";
import { pruneCandidatesOfDeadCompanies } from "@/lib/warehouse/team-candidates";

/**
 * One warehouse ingest run: an IngestRun row (kind, status, counts, duration, cursor), the three
 * object types (team candidates and company spend kept current page by page), then a closing
 * pass. Split into start / type / finish so the Inngest function can make each a step;
 * `runIngest` runs them in one go (tests, bench, scripts).
 */

export type TIngestKind = "full" | "incremental";

/** A run still `running` after this long is taken to have died (process killed mid-run). */
const STALE_RUN_MS = 2 * 60 * 60_000;

export interface TStartedRun {
  runId: string;
  plan: TTypePlan;
}

/** The next incremental window starts at the last successful run's cursor. */
async function lastCursor(): Promise<Date | null> {
  const last = await db().ingestRun.findFirst({
    where: { status: "succeeded", cursor: { not: null } },
    orderBy: { startedAt: "desc" },
    select: { cursor: true },
  });
  return last?.cursor ?? null;
}

/**
 * Opens a run. An incremental run without any earlier successful run becomes a full one. Refuses
 * (409) while another run is in progress, so "Run now" and the schedule never overlap.
 */
export async function startIngestRun(requested: TIngestKind, now = new Date()): Promise<TStartedRun> {
  const running = await db().ingestRun.findFirst({
    where: { status: "running", startedAt: { gt: new Date(now.getTime() - STALE_RUN_MS) } },
    select: { id: true },
  });
  if (running)
    throw new AppError("conflict", "A warehouse ingest is already running; wait for it to finish.");
  await db().ingestRun.updateMany({
    where: { status: "running" },
    data: { status: "failed", error: "abandoned" },
  });

  const settings = await readWarehouseSettings();
  const cursor = requested === "incremental" ? await lastCursor() : null;
  const kind: TIngestKind = cursor ? "incremental" : "full";
  const sinceMs = cursor ? cursor.getTime() - settings.overlapSeconds * 1000 : 0;
  const run = await db().ingestRun.create({
    data: { kind, status: "running", startedAt: now },
    select: { id: true },
  });
  log.info("warehouse.ingest.start", { runId: run.id, kind, requested });
  return { runId: run.id, plan: { kind, sinceMs, untilMs: now.getTime(), runStartedAt: now } };
}

export { ingestObjectType };

/**
 * Closes a run with its counts; a successful run's cursor (its start) is the next window's start.
 * Returns what the fact repair pass did (null for a failed run, which skips it).
 */
export async function finishIngestRun(
  run: TStartedRun,
  outcome: { counts: Partial<Record<TWarehouseObjectType, TTypeCounts>>; error?: string },
): Promise<TFactRepair | null> {
  let repair: TFactRepair | null = null;
  if (!outcome.error) {
    // Fresh planner statistics after a bulk load: with autovacuum's stale counts PostgreSQL plans
    // the views' joins for a handful of rows and nested-loops 50,000 deals (minutes, not ms).
    await db().$executeRawUnsafe(
      `ANALYZE "HubspotContact", "HubspotCompany", "HubspotDeal", "HubspotAssociation", "AppUser", "Team"`,
    );
    await pruneCandidatesOfDeadCompanies();
    // Funnel facts and company spend that a race between two writers left stale (any writer since
    // the last run, not only this run's pages); after a full refresh, whose pages deferred spend,
    // every company's spend (seconds over 20,000 companies).
    repair = await repairWarehouseFacts({ allCompanies: run.plan.kind === "full" });
    log.info("warehouse.ingest.repair", { runId: run.runId, ...repair });
  }
  const finishedAt = new Date();
  const ok = !outcome.error;
  await db().ingestRun.update({
    where: { id: run.runId },
    data: {
      status: ok ? "succeeded" : "failed",
      cursor: ok ? new Date(run.plan.untilMs) : null,
      counts: outcome.counts as unknown as Prisma.InputJsonValue,
      error: outcome.error?.slice(0, 2000) ?? null,
      finishedAt,
      durationMs: finishedAt.getTime() - run.plan.runStartedAt.getTime(),
    },
  });
  log.info("warehouse.ingest.finish", { runId: run.runId, ok, ms: finishedAt.getTime() - run.plan.untilMs });
  return repair;
}

/** The whole run in this process: types in parallel (the governor sets the pace, not the loop). */
export async function runIngest(requested: TIngestKind): Promise<{
  runId: string;
  kind: TIngestKind;
  counts: Record<TWarehouseObjectType, TTypeCounts>;
  /** Seconds from the start until each type was done, and the closing step's own seconds. */
  phaseSeconds: Record<TWarehouseObjectType | "finish", number>;
  /** The closing step's fact repair pass (part of `finish`). */
  repair: TFactRepair | null;
}> {
  const run = await startIngestRun(requested);
  const t0 = performance.now();
  const seconds = (from: number) => Math.round(performance.now() - from) / 1000;
  const phaseSeconds = {} as Record<TWarehouseObjectType | "finish", number>;
  try {
    const results = await Promise.all(
      WAREHOUSE_OBJECT_TYPES.map(async (t) => {
        const c = await ingestObjectType(t, run.plan);
        phaseSeconds[t] = seconds(t0);
        return c;
      }),
    );
    const counts = Object.fromEntries(WAREHOUSE_OBJECT_TYPES.map((t, i) => [t, results[i]!])) as Record<
      TWarehouseObjectType,
      TTypeCounts
    >;
    const t1 = performance.now();
    const repair = await finishIngestRun(run, { counts });
    phaseSeconds.finish = seconds(t1);
    return { runId: run.runId, kind: run.plan.kind, counts, phaseSeconds, repair };
  } catch (error) {
    await finishIngestRun(run, {
      counts: {},
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}

/** Whether the configured schedule wants a run now (the cron fires every 5 minutes and asks). */
export async function isScheduledRunDue(now = new Date()): Promise<boolean> {
  const { schedule } = await readWarehouseSettings();
  const interval = SCHEDULE_INTERVAL_MS[schedule];
  if (interval === null) return false;
  const last = await db().ingestRun.findFirst({
    orderBy: { startedAt: "desc" },
    select: { startedAt: true },
  });
  // 30 s of slack so a 5-minute cron is not skipped because the last run started a moment late.
  return !last || now.getTime() - last.startedAt.getTime() >= interval - 30_000;
}

/** After the Inngest function gave up: the run it left `running` is closed as failed. */
export async function markRunningIngestFailed(error: string): Promise<void> {
  const finishedAt = new Date();
  const running = await db().ingestRun.findMany({
    where: { status: "running" },
    select: { id: true, startedAt: true },
  });
  for (const r of running) {
    await db().ingestRun.update({
      where: { id: r.id },
      data: {
        status: "failed",
        error: error.slice(0, 2000),
        finishedAt,
        durationMs: finishedAt.getTime() - r.startedAt.getTime(),
      },
    });
  }
}

export async function listIngestRuns(limit = 10) {
  return db().ingestRun.findMany({ orderBy: { startedAt: "desc" }, take: Math.min(limit, 100) });
}
