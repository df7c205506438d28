import "server-only";
import { db } from "@/lib/db";
import { IMPORT_OBJECTS, ZImportFiles, type TImportObject } from "@/lib/imports/types";

/** Per-object counts, associations and success rate: the live progress and the final report. */
export interface TObjectReport {
  object: TImportObject;
  total: number;
  pending: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  associated: number;
  associationsMissing: number;
  /** (created + updated) / total rows of the file. */
  successRate: number;
}

export interface TImportReport {
  jobId: string;
  status: string;
  objects: TObjectReport[];
  totals: { total: number; done: number; pending: number };
  startedAt: string | null;
  finishedAt: string | null;
  /** Records written per second since the run started (created + updated + failed). */
  recordsPerSecond: number | null;
  /** Seconds left at the current pace, while running. */
  etaSeconds: number | null;
}

export async function buildReport(jobId: string): Promise<TImportReport> {
  const job = await db().importJob.findUniqueOrThrow({ where: { id: jobId } });
  const files = ZImportFiles.parse(job.files);
  const counts = await db().$queryRaw<
    { object: string; outcome: string; n: bigint; assoc: bigint; missing: bigint }[]
  >`
    SELECT object, outcome, count(*) AS n,
           count(*) FILTER (WHERE associations ? 'company' OR associations ? 'contact') AS assoc,
           count(*) FILTER (WHERE associations ? 'missing') AS missing
      FROM "ImportRow" WHERE "jobId" = ${jobId} GROUP BY object, outcome`;
  const objects = IMPORT_OBJECTS.filter((o) => files.some((f) => f.object === o)).map((object) => {
    const of = counts.filter((c) => c.object === object);
    const n = (outcome: string) => Number(of.find((c) => c.outcome === outcome)?.n ?? 0);
    const total = of.reduce((s, c) => s + Number(c.n), 0);
    const created = n("created");
    const updated = n("updated");
    return {
      object,
      total,
      pending: n("pending"),
      created,
      updated,
      skipped: n("skipped"),
      failed: n("failed"),
      associated: of.reduce((s, c) => s + Number(c.assoc), 0),
      associationsMissing: of.reduce((s, c) => s + Number(c.missing), 0),
      successRate: total ? Math.round(((created + updated) / total) * 1000) / 1000 : 0,
    };
  });
  const total = objects.reduce((s, o) => s + o.total, 0);
  const pending = objects.reduce((s, o) => s + o.pending, 0);
  const written = objects.reduce((s, o) => s + o.created + o.updated + o.failed, 0);
  const end = job.finishedAt ?? new Date();
  const seconds = job.startedAt ? (end.getTime() - job.startedAt.getTime()) / 1000 : null;
  const rate = seconds && seconds > 0 && written > 0 ? written / seconds : null;
  return {
    jobId,
    status: job.status,
    objects,
    totals: { total, done: total - pending, pending },
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    recordsPerSecond: rate ? Math.round(rate * 10) / 10 : null,
    etaSeconds: job.status === "RUNNING" && rate ? Math.round(pending / rate) : null,
  };
}

function csvCell(v: string): string {
  return /[",\n\r;]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * Failed and skipped rows of one object as CSV: the original columns plus `row` and `reason`, ready
 * to fix and upload again. Streamed in pages so a large report never sits in memory. UTF-8 with a
 * BOM so Excel opens Chinese text correctly.
 */
export async function* failedRowsCsv(jobId: string, object: TImportObject): AsyncGenerator<string> {
  const job = await db().importJob.findUniqueOrThrow({ where: { id: jobId } });
  const file = ZImportFiles.parse(job.files).find((f) => f.object === object);
  const headers = file?.headers ?? [];
  yield `\uFEFF${[...headers, "row", "outcome", "reason"].map(csvCell).join(",")}\r\n`;
  let after = 0;
  for (;;) {
    const rows = await db().importRow.findMany({
      where: { jobId, object, outcome: { in: ["failed", "skipped"] }, rowNumber: { gt: after } },
      orderBy: { rowNumber: "asc" },
      take: 1000,
      select: { rowNumber: true, raw: true, outcome: true, reason: true },
    });
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.rowNumber;
    yield (
      rows
        .map((r) => {
          const cells = r.raw as string[];
          return [...headers.map((_, i) => cells[i] ?? ""), String(r.rowNumber), r.outcome, r.reason ?? ""]
            .map(csvCell)
            .join(",");
        })
        .join("\r\n") + "\r\n"
    );
  }
}
