import "server-only";
import type { CountryCode } from "libphonenumber-js";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { openCsv, type TOpenedCsv } from "@/lib/imports/csv-reader";
import { readProperties } from "@/lib/imports/hubspot-properties";
import { putFileEntry } from "@/lib/imports/job-files";
import { applyTemplate, autoMap } from "@/lib/imports/mapping";
import { defaultPhoneCountry } from "@/lib/imports/settings";
import {
  ZColumnMapping,
  ZImportFiles,
  type TColumnMapping,
  type TImportFile,
  type TImportObject,
} from "@/lib/imports/types";
import { createRowChecker, type TRowCheck } from "@/lib/imports/validate-job";

/**
 * Import jobs: creating one, streaming a file into its rows, the column mapping. Rows are mapped
 * (automatically), validated and written in chunks as the file is parsed, in one pass: memory
 * stays bounded whatever the file's size, and a run can start without reading the rows back.
 */

const INSERT_CHUNK = 2000;
const INGEST_TIMEOUT_MS = 300_000;

type TDbClient = Pick<ReturnType<typeof db>, "$executeRaw">;
type TNewRow = TRowCheck & { rowNumber: number; raw: string[] };

/**
 * One statement per chunk with the rows as one JSON parameter: Prisma's createMany spent most of
 * an upload's CPU (about 1 ms per row) building and compiling the query for each row's JSON.
 */
async function insertRows(
  client: TDbClient,
  jobId: string,
  object: TImportObject,
  rows: TNewRow[],
): Promise<void> {
  await client.$executeRaw`
    INSERT INTO "ImportRow" (id, "jobId", object, "rowNumber", raw, "values", quality, outcome, reason)
    SELECT gen_random_uuid()::text, ${jobId}, ${object}, x."rowNumber", x.raw, x."values", x.quality, x.outcome, x.reason
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
           AS x("rowNumber" int, raw jsonb, "values" jsonb, quality float8, outcome text, reason text)`;
}

export async function createImportJob(name: string, createdById: string | null) {
  return db().importJob.create({ data: { name, files: [], createdById } });
}

export async function loadJob(jobId: string) {
  const job = await db().importJob.findUnique({ where: { id: jobId } });
  if (!job) throw new AppError("not_found", "No such import job.");
  return { ...job, files: ZImportFiles.parse(job.files) };
}

function assertEditable(status: string): void {
  if (status === "RUNNING" || status === "COMPLETED") {
    throw new AppError(
      "conflict",
      "This import has already run; start a new import to change its files or mapping.",
    );
  }
}

/**
 * Parses a CSV byte stream into ImportRows for one object of the job (replacing a previous file
 * for that object) and proposes a mapping from the portal's properties.
 */
export async function ingestFile(input: {
  jobId: string;
  object: TImportObject;
  fileName: string;
  source: AsyncIterable<Uint8Array>;
  maxBytes?: number;
  /** For phone numbers without a country code; the app's setting unless given. */
  defaultCountry?: CountryCode;
}): Promise<TImportFile> {
  const job = await loadJob(input.jobId);
  assertEditable(job.status);
  const csv: TOpenedCsv = await openCsv(input.source, { maxBytes: input.maxBytes });
  const defaultCountry = input.defaultCountry ?? defaultPhoneCountry();
  const properties = await readProperties(input.object);
  const mapping = autoMap(csv.meta.headers, input.object, properties);
  const checker = createRowChecker(
    { object: input.object, headers: csv.meta.headers, mapping },
    properties,
    defaultCountry,
  );
  // The earlier file's rows are replaced in one transaction: a file refused halfway (too big,
  // undecodable, no data rows) rolls back and the job keeps its previous file, rows and mapping whole.
  return db().$transaction(
    async (tx) => {
      await tx.importRow.deleteMany({ where: { jobId: job.id, object: input.object } });
      let rowNumber = 0;
      let chunk: TNewRow[] = [];
      // One insert runs while the next chunk is parsed (parsing and the database overlap); at most two
      // chunks are held, so memory stays bounded. An insert's failure surfaces at the next flush.
      let inserting: Promise<void> = Promise.resolve();
      let insertError: Error | null = null;
      const flush = async () => {
        await inserting;
        if (insertError) throw insertError;
        if (chunk.length === 0) return;
        const data = chunk;
        chunk = [];
        inserting = insertRows(tx, job.id, input.object, data).then(
          () => undefined,
          (error: unknown) => {
            insertError = error instanceof Error ? error : new Error(String(error));
          },
        );
      };
      try {
        for await (const cells of csv.rows) {
          rowNumber++;
          const { values, ...checked } = checker.check(cells, rowNumber);
          chunk.push({ rowNumber, raw: cells, values, ...checked });
          if (chunk.length >= INSERT_CHUNK) await flush();
        }
        await flush();
        await flush(); // waits for the last insert and rethrows its failure
      } catch (error) {
        await inserting; // no query may still run when the transaction rolls back
        throw error;
      }
      if (rowNumber === 0) {
        throw new AppError("bad_request", "The file has a header row but no data rows.");
      }
      const file: TImportFile = {
        object: input.object,
        fileName: input.fileName,
        encoding: csv.meta.encoding,
        delimiter: csv.meta.delimiter,
        headers: csv.meta.headers,
        rowCount: rowNumber,
        bytes: csv.bytesRead(),
        mapping,
        columnQuality: checker.columnQuality(),
        validatedCountry: defaultCountry,
      };
      await putFileEntry(job.id, input.object, file, "UPLOADED", tx);
      return file;
    },
    // As long as the upload route may run (its maxDuration): a 100 MB file is one transaction.
    { timeout: INGEST_TIMEOUT_MS, maxWait: 10_000 },
  );
}

/** Saves the user's corrected mapping for one file; optionally as a named template. */
export async function saveMapping(input: {
  jobId: string;
  object: TImportObject;
  mapping: TColumnMapping[];
  templateName?: string;
}): Promise<TImportFile> {
  const job = await loadJob(input.jobId);
  assertEditable(job.status);
  const file = job.files.find((f) => f.object === input.object);
  if (!file) throw new AppError("not_found", `This import has no ${input.object} file.`);
  const byHeader = new Map(input.mapping.map((m) => [m.header, ZColumnMapping.parse(m)]));
  const mapping = file.headers.map(
    (h) =>
      byHeader.get(h) ??
      file.mapping?.find((m) => m.header === h) ?? {
        header: h,
        target: null,
        confidence: 0,
        method: "none" as const,
      },
  );
  const targets = mapping.map((m) => m.target).filter((t): t is string => t !== null);
  const dup = targets.find((t, i) => targets.indexOf(t) !== i);
  if (dup)
    throw new AppError("bad_request", `Two columns are mapped to ${dup}; map each property once.`, {
      [dup]: "mapped twice",
    });
  // Rows validated with other targets are stale: the run validates them again.
  const targetsOf = (m: TColumnMapping[] | null) => JSON.stringify(m?.map((c) => [c.header, c.target]));
  const { validatedCountry, ...rest } = file;
  const unchanged = targetsOf(file.mapping) === targetsOf(mapping);
  const updated = { ...rest, mapping, ...(unchanged && validatedCountry ? { validatedCountry } : {}) };
  await putFileEntry(job.id, input.object, updated, "MAPPED");
  if (input.templateName) {
    const template = Object.fromEntries(mapping.map((m) => [m.header, m.target]));
    await db().importMappingTemplate.upsert({
      where: { name: input.templateName },
      create: { name: input.templateName, object: input.object, mapping: template },
      update: { object: input.object, mapping: template },
    });
  }
  return updated;
}

/** Applies a saved template to a file's mapping (template entries win; other headers keep the automatic guess). */
export async function applyMappingTemplate(jobId: string, object: TImportObject, templateName: string) {
  const template = await db().importMappingTemplate.findUnique({ where: { name: templateName } });
  if (!template) throw new AppError("not_found", `No mapping template named "${templateName}".`);
  const job = await loadJob(jobId);
  const file = job.files.find((f) => f.object === object);
  if (!file?.mapping) throw new AppError("not_found", `This import has no ${object} file.`);
  const mapping = applyTemplate(file.mapping, template.mapping as Record<string, string | null>);
  return saveMapping({ jobId, object, mapping });
}

export async function listTemplates() {
  return db().importMappingTemplate.findMany({ orderBy: { name: "asc" } });
}

export async function listJobs(limit = 50) {
  const jobs = await db().importJob.findMany({ orderBy: { createdAt: "desc" }, take: limit });
  return jobs.map((j) => ({
    id: j.id,
    name: j.name,
    status: j.status,
    createdAt: j.createdAt,
    finishedAt: j.finishedAt,
    files: ZImportFiles.parse(j.files).map((f) => ({
      object: f.object,
      fileName: f.fileName,
      rowCount: f.rowCount,
    })),
  }));
}
