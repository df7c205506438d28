import "server-only";
import { inngest } from "@/inngest/client";
import { importCancelRequested, importPreviewRequested, importRunRequested } from "@/inngest/events";
import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { readProperties } from "@/lib/imports/hubspot-properties";
import { loadJob } from "@/lib/imports/jobs";
import { buildReport } from "@/lib/imports/report";
import { REFERENCE_TARGETS, ROW_OUTCOMES, type TImportObject, type TPropertyDef } from "@/lib/imports/types";

/**
 * What the console's Imports page reads and the buttons it presses: job detail with live counts,
 * a page of rows, and the preview / run / cancel hand-offs to Inngest (audited).
 */

export interface TMappingTarget {
  name: string;
  label: string;
  type: string;
}

const REFERENCE_LABELS: Record<string, string> = {
  "@company_name": "→ Associate with company (by name)",
  "@company_domain": "→ Associate with company (by domain)",
  "@contact_email": "→ Associate with contact (by e-mail)",
};

async function targetsFor(object: TImportObject): Promise<TMappingTarget[]> {
  let props: TPropertyDef[] = [];
  try {
    props = await readProperties(object);
  } catch {
    // HubSpot not connected or unreachable: the page still shows the files and what was mapped.
  }
  return [
    ...REFERENCE_TARGETS[object].map((name) => ({
      name,
      label: REFERENCE_LABELS[name] ?? name,
      type: "reference",
    })),
    ...props
      .map((p) => ({ name: p.name, label: p.label, type: p.type }))
      .sort((a, b) => a.label.localeCompare(b.label)),
  ];
}

export async function importJobDetail(jobId: string) {
  const job = await loadJob(jobId);
  const targets = Object.fromEntries(
    await Promise.all(job.files.map(async (f) => [f.object, await targetsFor(f.object)] as const)),
  );
  return {
    id: job.id,
    name: job.name,
    status: job.status,
    createdAt: job.createdAt,
    files: job.files,
    targets,
    progress: job.progress,
    report: await buildReport(job.id),
    finalReport: job.report,
  };
}

export async function importRows(jobId: string, object: TImportObject, outcome: string | null, page: number) {
  const PAGE = 50;
  const where = {
    jobId,
    object,
    ...(outcome && (ROW_OUTCOMES as readonly string[]).includes(outcome) ? { outcome } : {}),
  };
  const [rows, total] = await Promise.all([
    db().importRow.findMany({
      where,
      orderBy: { rowNumber: "asc" },
      skip: (page - 1) * PAGE,
      take: PAGE,
      select: {
        rowNumber: true,
        raw: true,
        values: true,
        quality: true,
        outcome: true,
        reason: true,
        hubspotId: true,
        associations: true,
      },
    }),
    db().importRow.count({ where }),
  ]);
  return { rows, total, page, pageSize: PAGE };
}

export async function requestPreview(jobId: string, actorId: string) {
  const job = await loadJob(jobId);
  if (job.files.length === 0) throw new AppError("bad_request", "Upload at least one file first.");
  if (job.status === "RUNNING") throw new AppError("conflict", "This import is running.");
  await db().importJob.update({ where: { id: jobId }, data: { progress: { previewing: true } } });
  await recordAudit({ actorId, action: "import.preview", target: `ImportJob:${jobId}` });
  await inngest.send(importPreviewRequested.create({ jobId }));
  return { ok: true };
}

export async function requestRun(jobId: string, actorId: string) {
  const job = await loadJob(jobId);
  if (job.files.length === 0) throw new AppError("bad_request", "Upload at least one file first.");
  if (job.status === "RUNNING") throw new AppError("conflict", "This import is already running.");
  if (job.status === "COMPLETED")
    throw new AppError("conflict", "This import has finished; upload the files again to re-import.");
  // The run's first step validates (when needed) and marks the job RUNNING.
  await db().importJob.update({ where: { id: jobId }, data: { progress: { starting: true } } });
  await recordAudit({ actorId, action: "import.run", target: `ImportJob:${jobId}` });
  await inngest.send(importRunRequested.create({ jobId }));
  return { ok: true };
}

export async function cancelImport(jobId: string, actorId: string) {
  const job = await loadJob(jobId);
  if (job.status !== "RUNNING") throw new AppError("conflict", "Only a running import can be cancelled.");
  await db().importJob.update({
    where: { id: jobId },
    data: { status: "CANCELLED", cancelledAt: new Date(), finishedAt: new Date() },
  });
  await recordAudit({ actorId, action: "import.cancel", target: `ImportJob:${jobId}` });
  await inngest.send(importCancelRequested.create({ jobId }));
  return { ok: true };
}
