/**
 * `npm run import -- --file contacts.csv --object contacts [--dry-run] [--mapping <template>]
 *                    [--country US] [--failed-out name]`
 *
 * Imports one CSV into HubSpot with the same engine as the console (lib/imports): streaming parse,
 * automatic mapping (or a saved template), validation, then either the dry-run preview or the run.
 * Several files in one job: repeat `--file`/`--object` pairs (companies, contacts, tickets).
 *
 * The run happens in this process, not through Inngest: a script should not need the app and a
 * runner to be up, and it should exit when the work is done. It is the same code path (prepare →
 * plan → write batches → finish), with the same PostgreSQL governor, so a command-line import and
 * the app share HubSpot's rate limit, and 429s/5xx are waited out here instead of by Inngest. The
 * job is recorded like a console import (visible on the Imports page, resumable from there).
 *
 * Configuration: the app's (DATABASE_URL, HUBSPOT_ACCESS_TOKEN, HUBSPOT_API_BASE…), read from the
 * environment or `.env`. Exit code: 0 when every row was imported or skipped for a stated reason,
 * 1 when rows failed, 2 on bad usage or a refused file.
 */
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import { parseArgs } from "node:util";
import type { CountryCode } from "libphonenumber-js";
import { disconnectDb } from "@/lib/db";
import { ConfigError, env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { applyMappingTemplate, createImportJob, ingestFile, loadJob } from "@/lib/imports/jobs";
import { previewJob } from "@/lib/imports/preview";
import { failedRowsCsv, type TImportReport } from "@/lib/imports/report";
import { runJobInProcess } from "@/lib/imports/run";
import { ZImportObject, type TImportObject } from "@/lib/imports/types";

if (existsSync(".env")) process.loadEnvFile(".env");

const USAGE =
  "Usage: npm run import -- --file contacts.csv --object contacts [--file companies.csv --object companies] [--dry-run] [--mapping <template>] [--country CN] [--failed-out failed.csv]";

const out = (line = "") => process.stdout.write(`${line}\n`);

function printReport(r: TImportReport): void {
  out(`\nImport ${r.jobId}: ${r.status}${r.recordsPerSecond ? ` (${r.recordsPerSecond} records/s)` : ""}`);
  out("object      total  created  updated  skipped  failed  associated  success");
  for (const o of r.objects) {
    out(
      `${o.object.padEnd(10)} ${String(o.total).padStart(6)} ${String(o.created).padStart(8)} ${String(o.updated).padStart(8)} ${String(o.skipped).padStart(8)} ${String(o.failed).padStart(7)} ${String(o.associated).padStart(11)} ${`${Math.round(o.successRate * 100)}%`.padStart(8)}`,
    );
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      file: { type: "string", multiple: true },
      object: { type: "string", multiple: true },
      "dry-run": { type: "boolean", default: false },
      mapping: { type: "string" },
      country: { type: "string" },
      "failed-out": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  const files = values.file ?? [];
  const objects = values.object ?? [];
  if (values.help || files.length === 0 || files.length !== objects.length) {
    out(USAGE);
    return values.help ? 0 : 2;
  }
  const pairs: [TImportObject, string][] = [];
  for (const [i, file] of files.entries()) {
    const object = ZImportObject.safeParse(objects[i]);
    if (!object.success)
      throw new AppError(
        "bad_request",
        `--object must be companies, contacts or tickets (got "${objects[i]}")`,
      );
    if (!existsSync(file)) throw new AppError("bad_request", `No such file: ${file}`);
    pairs.push([object.data, file]);
  }
  const country = (values.country ?? env().IMPORT_DEFAULT_COUNTRY).toUpperCase() as CountryCode;

  const job = await createImportJob(`CLI: ${pairs.map(([, f]) => path.basename(f)).join(", ")}`, null);
  for (const [object, file] of pairs) {
    const f = await ingestFile({
      jobId: job.id,
      object,
      fileName: path.basename(file),
      source: createReadStream(file),
      defaultCountry: country,
    });
    if (values.mapping) await applyMappingTemplate(job.id, object, values.mapping);
    out(`${object}: ${f.rowCount} rows, ${f.encoding}, delimiter ${JSON.stringify(f.delimiter)}`);
  }
  for (const f of (await loadJob(job.id)).files) {
    for (const m of f.mapping ?? []) {
      out(
        `  ${f.object}: ${m.header.padEnd(28)} → ${m.target ?? "(not imported)"}${m.target ? ` [${m.method} ${Math.round(m.confidence * 100)}%]` : ""}`,
      );
    }
  }

  if (values["dry-run"]) {
    const preview = await previewJob(job.id, country);
    out("\nDry run — nothing was written to HubSpot.");
    out("object      create  update    skip  associate  no-match");
    for (const p of preview) {
      out(
        `${p.object.padEnd(10)} ${String(p.create).padStart(7)} ${String(p.update).padStart(7)} ${String(p.skip).padStart(7)} ${String(p.associate).padStart(10)} ${String(p.associationMissing).padStart(9)}`,
      );
    }
    return 0;
  }

  let last = 0;
  const report = await runJobInProcess(job.id, {
    defaultCountry: country,
    onProgress: (r) => {
      if (Date.now() - last < 2000) return;
      last = Date.now();
      out(
        `  … ${r.totals.done}/${r.totals.total} rows${r.etaSeconds ? `, about ${r.etaSeconds}s left` : ""}`,
      );
    },
  });
  printReport(report);
  const failedTotal = report.objects.reduce((s, o) => s + o.failed + o.skipped, 0);
  if (failedTotal > 0) {
    out("");
    for (const o of report.objects.filter((x) => x.failed + x.skipped > 0)) {
      const base = values["failed-out"]?.replace(/\.csv$/i, "") ?? `import-${job.id}`;
      const target = `${base}-${o.object}-failed.csv`;
      const stream = createWriteStream(target);
      for await (const chunk of failedRowsCsv(job.id, o.object))
        if (!stream.write(chunk)) await once(stream, "drain");
      stream.end();
      await once(stream, "finish");
      out(`${o.failed + o.skipped} ${o.object} rows not imported; reasons in ${target}`);
    }
  }
  return report.objects.some((o) => o.failed > 0) ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof AppError || error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  } else throw error;
} finally {
  await disconnectDb();
}
