import "server-only";
import type { CountryCode } from "libphonenumber-js";
import { ProviderRateLimitedError, ProviderUnavailableError } from "@/lib/connectors/errors";
import { db, type Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { ensureImportKeyProperty } from "@/lib/imports/hubspot-properties";
import { buildReport, type TImportReport } from "@/lib/imports/report";
import { IMPORT_OBJECTS, ZImportFiles, type TImportObject } from "@/lib/imports/types";
import { validateJob } from "@/lib/imports/validate-job";
import { planBatches, writeBatch, type TBatchRange } from "@/lib/imports/write-batch";

/**
 * The run's phases, shared by the Inngest function (one step each) and the `npm run import`
 * command (in process): prepare → per object (companies, contacts, tickets) plan + write batches
 * → finish. ImportRow.outcome is the resume point: every phase only looks at `pending` rows.
 */

/** Validates if the job was not previewed, creates the import-key property, marks the job running. */
export async function prepareRun(
  jobId: string,
  defaultCountry: CountryCode,
): Promise<{ objects: TImportObject[] }> {
  const job = await db().importJob.findUniqueOrThrow({ where: { id: jobId } });
  const files = ZImportFiles.parse(job.files);
  if (files.length === 0)
    throw new AppError("bad_request", "Upload at least one file before running the import.");
  if (job.status === "UPLOADED" || job.status === "MAPPED") await validateJob(jobId, defaultCountry);
  const objects = IMPORT_OBJECTS.filter((o) => files.some((f) => f.object === o));
  for (const o of objects) await ensureImportKeyProperty(o);
  await db().importJob.update({
    where: { id: jobId },
    data: {
      status: "RUNNING",
      dryRun: false,
      startedAt: job.startedAt ?? new Date(),
      cancelledAt: null,
      finishedAt: null,
      // Keeps the preview's counts; drops the console's "starting" marker.
      progress: { preview: (job.progress as { preview?: Prisma.InputJsonValue } | null)?.preview ?? null },
    },
  });
  return { objects };
}

export async function finishRun(jobId: string): Promise<TImportReport> {
  const job = await db().importJob.findUniqueOrThrow({ where: { id: jobId }, select: { cancelledAt: true } });
  const before = await buildReport(jobId);
  const status = job.cancelledAt ? "CANCELLED" : before.totals.pending > 0 ? "FAILED" : "COMPLETED";
  await db().importJob.update({ where: { id: jobId }, data: { status, finishedAt: new Date() } });
  const report = await buildReport(jobId);
  await db().importJob.update({
    where: { id: jobId },
    data: { report: report as unknown as Prisma.InputJsonValue },
  });
  return report;
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await task(items[next++]!);
  });
  await Promise.all(workers);
}

/**
 * Writes several batches of one object with at most `parallel` in flight: one Inngest step's worth.
 * Waits for every batch it started (none is left running unobserved), starts no new one after a
 * failure, then rethrows a 429 first (its retry-after is the wait that matters), else the first
 * error. Finished batches' rows are no longer pending, so a retried wave only redoes the rest.
 */
export async function writeWave(
  jobId: string,
  object: TImportObject,
  ranges: TBatchRange[],
  parallel: number,
): Promise<{ written: number; cancelled: boolean }> {
  let written = 0;
  let cancelled = false;
  const failures: unknown[] = [];
  let next = 0;
  const workers = Array.from({ length: Math.min(parallel, ranges.length) }, async () => {
    while (next < ranges.length && failures.length === 0 && !cancelled) {
      const range = ranges[next++]!;
      try {
        const r = await writeBatch(jobId, object, range);
        written += r.written;
        if (r.cancelled) cancelled = true;
      } catch (error) {
        failures.push(error);
      }
    }
  });
  await Promise.all(workers);
  if (failures.length > 0) throw failures.find((e) => e instanceof ProviderRateLimitedError) ?? failures[0];
  return { written, cancelled };
}

/**
 * The whole run in this process (the command line's path): same phases as the Inngest function,
 * with 429s waited out here (the governor already says how long) and 5xx retried with backoff.
 */
export async function runJobInProcess(
  jobId: string,
  opts: { defaultCountry: CountryCode; parallel?: number; onProgress?: (r: TImportReport) => void },
): Promise<TImportReport> {
  const { objects } = await prepareRun(jobId, opts.defaultCountry);
  for (const object of objects) {
    const batches = await planBatches(jobId, object);
    await pool(batches, opts.parallel ?? 8, async (range) => {
      await withRetries(() => writeBatch(jobId, object, range));
      if (opts.onProgress) opts.onProgress(await buildReport(jobId));
    });
  }
  return finishRun(jobId);
}

async function withRetries<T>(fn: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const wait =
        error instanceof ProviderRateLimitedError
          ? error.retryAfterMs
          : error instanceof ProviderUnavailableError
            ? 500 * 2 ** attempt
            : undefined;
      if (wait === undefined || attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
