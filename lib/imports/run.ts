import "server-only";
import type { CountryCode } from "libphonenumber-js";
import { ProviderRateLimitedError, ProviderUnavailableError } from "@/lib/connectors/errors";
import { db, type Prisma } from "@/lib/db";
import { groupedLinkLookup } from "@/lib/imports/association-lookup";
import { groupedCompanyLookup } from "@/lib/imports/company-lookup";
import { AppError } from "@/lib/errors";
import { ensureImportKeyProperty } from "@/lib/imports/hubspot-properties";
import { buildReport, type TImportReport } from "@/lib/imports/report";
import { IMPORT_OBJECTS, ZImportFiles, type TImportObject } from "@/lib/imports/types";
import { validateJob } from "@/lib/imports/validate-job";
import {
  markKnownRecords,
  planBatches,
  writeBatch,
  type TBatchRange,
  type TWriteCache,
} from "@/lib/imports/write-batch";

/**
 * The run's phases, shared by the Inngest function and the `npm run import` command (in process):
 * prepare → write pending rows (companies, contacts, tickets; in time-boxed steps under Inngest)
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
  // Upload validated each file as it was parsed; only a changed mapping or country needs it again.
  if (job.status === "UPLOADED" || job.status === "MAPPED")
    await validateJob(jobId, defaultCountry, { onlyStale: true });
  const objects = IMPORT_OBJECTS.filter((o) => files.some((f) => f.object === o));
  await Promise.all(objects.map((o) => ensureImportKeyProperty(o)));
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

export interface TWriteOptions {
  /** Batches in flight at once; the governor, not this number, keeps HubSpot under its limit. */
  parallel: number;
  /** Start no new batch after this time (ms since epoch); batches in flight still finish. */
  deadline?: number;
  /** Wraps each batch (the command line retries 429/5xx per batch; Inngest retries the step). */
  retry?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Called after each finished batch. */
  onBatch?: () => void;
}

/**
 * Writes batches of one object with at most `parallel` in flight, one shared queue: a batch starts
 * as soon as a slot is free, so every governor slot stays busy (no per-wave barrier).
 * Waits for every batch it started (none is left running unobserved), starts no new one after a
 * failure, a cancellation or the deadline, then rethrows a 429 first (its retry-after is the wait
 * that matters), else the first error. Finished batches' rows are no longer pending, so a retry
 * only redoes the rest. `unstarted` counts the batches left for a later call.
 */
export async function writeBatches(
  jobId: string,
  object: TImportObject,
  ranges: TBatchRange[],
  opts: TWriteOptions,
): Promise<{ written: number; cancelled: boolean; unstarted: number }> {
  let written = 0;
  let cancelled = false;
  const failures: unknown[] = [];
  let next = 0;
  const cache: TWriteCache =
    object === "companies"
      ? { existingCompanies: groupedCompanyLookup(jobId, ranges) }
      : { existingLinks: groupedLinkLookup(jobId, object, ranges) };
  const retry = opts.retry ?? (<T>(fn: () => Promise<T>) => fn());
  const open = () =>
    next < ranges.length &&
    failures.length === 0 &&
    !cancelled &&
    (opts.deadline === undefined || Date.now() < opts.deadline);
  const workers = Array.from({ length: Math.min(opts.parallel, ranges.length) }, async () => {
    while (open()) {
      const range = ranges[next++]!;
      try {
        const r = await retry(() => writeBatch(jobId, object, range, cache));
        written += r.written;
        if (r.cancelled) cancelled = true;
        opts.onBatch?.();
      } catch (error) {
        failures.push(error);
      }
    }
  });
  await Promise.all(workers);
  if (failures.length > 0) throw failures.find((e) => e instanceof ProviderRateLimitedError) ?? failures[0];
  return { written, cancelled, unstarted: ranges.length - next };
}

/**
 * Writes the job's pending rows, object after object in dependency order (companies, contacts,
 * tickets): the next object starts the moment the last batch of the previous one has answered,
 * inside the same call, so the only pause between objects is one request's round trip.
 * Returns `done` when nothing is pending any more; with a deadline it may stop early (the next
 * call, e.g. the next Inngest step, picks up the rows still pending).
 */
export async function writePending(
  jobId: string,
  objects: TImportObject[],
  opts: TWriteOptions,
): Promise<{ written: number; cancelled: boolean; done: boolean }> {
  let written = 0;
  for (const object of objects) {
    await markKnownRecords(jobId, object);
    const ranges = await planBatches(jobId, object);
    const r = await writeBatches(jobId, object, ranges, opts);
    written += r.written;
    if (r.cancelled) return { written, cancelled: true, done: false };
    if (r.unstarted > 0) return { written, cancelled: false, done: false };
  }
  return { written, cancelled: false, done: true };
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
  let reported = 0;
  const onBatch = () => {
    // The report is a count over every row of the job: once a second is plenty for a progress line.
    if (!opts.onProgress || Date.now() - reported < 1000) return;
    reported = Date.now();
    void buildReport(jobId).then(opts.onProgress, () => undefined);
  };
  await writePending(jobId, objects, { parallel: opts.parallel ?? 10, retry: withRetries, onBatch });
  return finishRun(jobId);
}

async function withRetries<T>(fn: () => Promise<T>): Promise<T> {
  const attempts = 6;
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
