/**
 * CSV import end to end: 1,000 companies, 10,000 contacts (each associated with its company) and
 * 5,000 tickets (each associated with the contact named in its text) into the HubSpot sandbox
 * limited to 10 requests/s (ten-secondly limit 100; the governor's HUBSPOT default set to 10/s in
 * the bench database). Timed from the first uploaded byte to the run's completion, including
 * parsing and validation; then the same files again, which must create nothing.
 *
 *   npm run bench -- csv-import
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { createScratchDatabase } from "@/bench/lib/scratch-db";
import { childProcessEnv, parseEnv } from "@/lib/env";
import { startHubspotSandbox } from "@/sandbox/hubspot";
import { migrateDeploy } from "@/scripts/lib/migrate";
import { companyDomain, contactEmail, writeImportFiles } from "./csv-import-data";

const ZBenchEnv = z.object({
  BENCH_POSTGRES_ADMIN_URL: z.string().default("postgresql://postgres@127.0.0.1:5432/postgres"),
  BENCH_IMPORT_COMPANIES: z.coerce.number().int().min(1).default(1000),
  BENCH_IMPORT_CONTACTS: z.coerce.number().int().min(1).default(10_000),
  BENCH_IMPORT_TICKETS: z.coerce.number().int().min(1).default(5000),
  BENCH_HUBSPOT_RATE: z.coerce.number().positive().default(10),
});

function runWorker(env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", "--conditions=react-server", "bench/csv-import-worker.ts"], {
      cwd: path.resolve(import.meta.dirname, ".."),
      env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`worker exited with ${code}`))));
  });
}

export async function run(): Promise<Record<string, unknown>> {
  const env = parseEnv(ZBenchEnv);
  const sizes = {
    companies: env.BENCH_IMPORT_COMPANIES,
    contacts: env.BENCH_IMPORT_CONTACTS,
    tickets: env.BENCH_IMPORT_TICKETS,
  };
  const db = await createScratchDatabase(env.BENCH_POSTGRES_ADMIN_URL, "bench_import");
  const dir = mkdtempSync(path.join(tmpdir(), "rb-import-bench-"));
  const hubspot = await startHubspotSandbox({
    port: 0,
    webhookUrl: null,
    settings: { tenSecondlyLimit: Math.round(env.BENCH_HUBSPOT_RATE * 10) },
  });
  try {
    await migrateDeploy(db.url, { quiet: true });
    await writeImportFiles(dir, sizes);
    const out = await runWorker(
      childProcessEnv({
        DATABASE_URL: db.url,
        NEXTAUTH_SECRET: "bench-secret-".padEnd(40, "x"),
        HUBSPOT_ACCESS_TOKEN: "pat-na1-bench",
        HUBSPOT_API_BASE: hubspot.url,
        LOG_LEVEL: "warn",
        IMPORT_DEFAULT_COUNTRY: "US",
        BENCH_IMPORT_DIR: dir,
        BENCH_HUBSPOT_RATE: String(env.BENCH_HUBSPOT_RATE),
      }),
    );
    const figures = JSON.parse(out.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;

    // Verify in HubSpot itself: exact counts (no duplicates after two runs) and every association.
    const counts = hubspot.portal.store.counts();
    const idOf = (t: "companies" | "contacts", prop: string, v: string) =>
      hubspot.portal.store.find(t, v, prop)?.id;
    const companiesByDomain = new Map(
      hubspot.portal.store.searchable("companies").map((c) => [c.properties.domain, c.record.id] as const),
    );
    let contactCompanyMissing = 0;
    for (let i = 0; i < sizes.contacts; i++) {
      const id = idOf("contacts", "email", contactEmail(i));
      const want = companiesByDomain.get(companyDomain(i % sizes.companies));
      const links = id
        ? hubspot.portal.associations.list("contacts", id, "companies").map((a) => a.toId)
        : [];
      if (!want || !links.includes(want)) contactCompanyMissing++;
    }
    let ticketContactMissing = 0;
    for (const t of hubspot.portal.store.searchable("tickets")) {
      const n = Number(/Ticket (\d+)/.exec(t.properties.subject ?? "")?.[1]);
      const want = idOf("contacts", "email", contactEmail(n % sizes.contacts));
      const links = hubspot.portal.associations.list("tickets", t.record.id, "contacts").map((a) => a.toId);
      if (!want || !links.includes(want)) ticketContactMissing++;
    }
    const counters = (await (await fetch(`${hubspot.url}/__sandbox/counters`)).json()) as {
      requests: number;
      rateLimited: number;
    };
    return {
      ...figures,
      sizes,
      hubspotRateLimitPerSecond: env.BENCH_HUBSPOT_RATE,
      hubspotRecords: { companies: counts.companies, contacts: counts.contacts, tickets: counts.tickets },
      duplicates:
        counts.companies -
        sizes.companies +
        (counts.contacts - sizes.contacts) +
        (counts.tickets - sizes.tickets),
      associationsMissing: { contactToCompany: contactCompanyMissing, ticketToContact: ticketContactMissing },
      hubspotRequests: counters.requests,
      hubspot429s: counters.rateLimited,
    };
  } finally {
    await hubspot.close();
    rmSync(dir, { recursive: true, force: true });
    await db.drop().catch(() => undefined);
  }
}
