import "server-only";
import type { CountryCode } from "libphonenumber-js";
import { db } from "@/lib/db";
import { readProperties } from "@/lib/imports/hubspot-properties";
import { IMPORT_OBJECTS, ZImportFiles, type TImportObject, type TRowValues } from "@/lib/imports/types";
import { validateRow } from "@/lib/imports/validate";

/**
 * Validates every row of a job with its current mapping, page by page: stores the normalised
 * values, the row's quality and — for rows that cannot be imported — `skipped` with the reason.
 * Duplicates inside a file (same e-mail, domain, company name or ticket) are skipped pointing at
 * the first occurrence. Column quality (share of filled cells that passed) goes into job.files.
 */
const PAGE = 2000;

interface TRowUpdate {
  id: string;
  values: TRowValues;
  quality: number;
  outcome: "pending" | "skipped";
  reason: string | null;
}

async function writeUpdates(updates: TRowUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  await db().$executeRaw`
    UPDATE "ImportRow" r
       SET "values" = x."values", quality = x.quality, outcome = x.outcome, reason = x.reason,
           "hubspotId" = NULL, associations = NULL
      FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb)
           AS x(id text, "values" jsonb, quality float8, outcome text, reason text)
     WHERE r.id = x.id`;
}

export async function validateObject(jobId: string, object: TImportObject, defaultCountry: CountryCode) {
  const job = await db().importJob.findUniqueOrThrow({ where: { id: jobId } });
  const files = ZImportFiles.parse(job.files);
  const file = files.find((f) => f.object === object);
  if (!file?.mapping) return { object, rows: 0, valid: 0, skipped: 0 };
  const properties = new Map((await readProperties(object)).map((p) => [p.name, p]));
  const opts = { object, mapping: file.mapping, properties, defaultCountry };
  const firstRowByKey = new Map<string, number>();
  const filled = new Map<string, number>();
  const good = new Map<string, number>();
  let after = 0;
  let valid = 0;
  let skipped = 0;
  for (;;) {
    const rows = await db().importRow.findMany({
      where: { jobId, object, rowNumber: { gt: after } },
      orderBy: { rowNumber: "asc" },
      take: PAGE,
      select: { id: true, rowNumber: true, raw: true },
    });
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.rowNumber;
    const updates: TRowUpdate[] = rows.map((row) => {
      const cells = row.raw as string[];
      const { quality, ...values } = validateRow(cells, file.headers, opts);
      file.headers.forEach((h, i) => {
        if ((cells[i] ?? "").trim() === "" || !file.mapping?.find((m) => m.header === h)?.target) return;
        filled.set(h, (filled.get(h) ?? 0) + 1);
        if (!values.problems.some((p) => p.column === h)) good.set(h, (good.get(h) ?? 0) + 1);
      });
      const error = values.problems.find((p) => p.severity === "error");
      let reason = error ? `${error.column}: ${error.message}` : null;
      if (!reason && values.key) {
        const first = firstRowByKey.get(values.key);
        if (first !== undefined) reason = `Duplicate of row ${first} in this file`;
        else firstRowByKey.set(values.key, row.rowNumber);
      }
      if (reason) skipped++;
      else valid++;
      return { id: row.id, values, quality, outcome: reason ? "skipped" : "pending", reason };
    });
    await writeUpdates(updates);
  }
  const columnQuality = Object.fromEntries(
    [...filled].map(([h, n]) => [h, Math.round(((good.get(h) ?? 0) / n) * 100) / 100]),
  );
  // Re-read: another object's validation may have updated its own file entry meanwhile.
  const latest = ZImportFiles.parse((await db().importJob.findUniqueOrThrow({ where: { id: jobId } })).files);
  await db().importJob.update({
    where: { id: jobId },
    data: { files: latest.map((f) => (f.object === object ? { ...f, columnQuality } : f)) },
  });
  return { object, rows: valid + skipped, valid, skipped };
}

export async function validateJob(jobId: string, defaultCountry: CountryCode) {
  const out = [];
  for (const object of IMPORT_OBJECTS) out.push(await validateObject(jobId, object, defaultCountry));
  return out;
}
