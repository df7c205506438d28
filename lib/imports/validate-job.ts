import "server-only";
import type { CountryCode } from "libphonenumber-js";
import { db } from "@/lib/db";
import { readProperties } from "@/lib/imports/hubspot-properties";
import { putFileEntry } from "@/lib/imports/job-files";
import {
  IMPORT_OBJECTS,
  ZImportFiles,
  type TImportFile,
  type TImportObject,
  type TPropertyDef,
  type TRowValues,
} from "@/lib/imports/types";
import { validateRow } from "@/lib/imports/validate";

/**
 * Validates the rows of a file with its current mapping: stores the normalised values, the row's
 * quality and — for rows that cannot be imported — `skipped` with the reason. Duplicates inside a
 * file (same e-mail, domain, company name or ticket) are skipped pointing at the first occurrence.
 * Column quality (share of filled cells that passed) goes into job.files. Upload validates as it
 * parses (lib/imports/jobs.ts) with the automatic mapping; a changed mapping or another default
 * country makes the file stale and it is validated again here, page by page.
 */
const PAGE = 2000;

export interface TRowCheck {
  values: TRowValues;
  quality: number;
  outcome: "pending" | "skipped";
  reason: string | null;
}

/** Checks rows one by one in file order, remembering keys seen (in-file duplicates) and column quality. */
export function createRowChecker(
  file: Pick<TImportFile, "object" | "headers" | "mapping">,
  properties: TPropertyDef[],
  defaultCountry: CountryCode,
) {
  const mapping = file.mapping ?? [];
  const opts = {
    object: file.object,
    mapping,
    properties: new Map(properties.map((p) => [p.name, p])),
    defaultCountry,
  };
  const mapped = new Set(mapping.filter((m) => m.target).map((m) => m.header));
  const firstRowByKey = new Map<string, number>();
  const filled = new Map<string, number>();
  const good = new Map<string, number>();
  return {
    check(cells: string[], rowNumber: number): TRowCheck {
      const { quality, ...values } = validateRow(cells, file.headers, opts);
      file.headers.forEach((h, i) => {
        if ((cells[i] ?? "").trim() === "" || !mapped.has(h)) return;
        filled.set(h, (filled.get(h) ?? 0) + 1);
        if (!values.problems.some((p) => p.column === h)) good.set(h, (good.get(h) ?? 0) + 1);
      });
      const error = values.problems.find((p) => p.severity === "error");
      let reason = error ? `${error.column}: ${error.message}` : null;
      if (!reason && values.key) {
        const first = firstRowByKey.get(values.key);
        if (first !== undefined) reason = `Duplicate of row ${first} in this file`;
        else firstRowByKey.set(values.key, rowNumber);
      }
      return { values, quality, outcome: reason ? "skipped" : "pending", reason };
    },
    columnQuality(): Record<string, number> {
      return Object.fromEntries(
        [...filled].map(([h, n]) => [h, Math.round(((good.get(h) ?? 0) / n) * 100) / 100]),
      );
    },
  };
}

/** Whether the file's rows were validated with its current mapping and this default country. */
export function isValidated(file: TImportFile, defaultCountry: CountryCode): boolean {
  return file.validatedCountry === defaultCountry;
}

async function writeUpdates(updates: (TRowCheck & { id: string })[]): Promise<void> {
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
  const checker = createRowChecker(file, await readProperties(object), defaultCountry);
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
    const updates = rows.map((row) => {
      const checked = checker.check(row.raw as string[], row.rowNumber);
      if (checked.outcome === "skipped") skipped++;
      else valid++;
      return { id: row.id, ...checked };
    });
    await writeUpdates(updates);
  }
  const columnQuality = checker.columnQuality();
  // Unless the mapping changed meanwhile (then these rows are stale and will be validated again).
  const same = (f: TImportFile) => JSON.stringify(f.mapping) === JSON.stringify(file.mapping);
  await putFileEntry(jobId, object, (current) =>
    current && same(current) ? { ...current, columnQuality, validatedCountry: defaultCountry } : current,
  );
  return { object, rows: valid + skipped, valid, skipped };
}

/** Validates every file of the job; with `onlyStale`, only those not validated as they are now. */
export async function validateJob(
  jobId: string,
  defaultCountry: CountryCode,
  options: { onlyStale?: boolean } = {},
) {
  const files = ZImportFiles.parse((await db().importJob.findUniqueOrThrow({ where: { id: jobId } })).files);
  const out = [];
  for (const object of IMPORT_OBJECTS) {
    const file = files.find((f) => f.object === object);
    if (options.onlyStale && file && isValidated(file, defaultCountry)) continue;
    out.push(await validateObject(jobId, object, defaultCountry));
  }
  return out;
}
