import { createReadStream, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importRunFunction } from "@/inngest/functions/import-run";
import { db } from "@/lib/db";
import { clearPropertyCache } from "@/lib/imports/hubspot-properties";
import { createImportJob, ingestFile, loadJob, saveMapping } from "@/lib/imports/jobs";
import { previewJob } from "@/lib/imports/preview";
import { buildReport, failedRowsCsv } from "@/lib/imports/report";
import { runJobInProcess } from "@/lib/imports/run";
import type { TImportObject } from "@/lib/imports/types";
import { validateJob } from "@/lib/imports/validate-job";
import { startHubspotSandbox, type THubspotSandbox } from "@/sandbox/hubspot";
import { startAppInngest } from "@/test/app-inngest";
import { withFreshDatabase } from "@/test/db";
import { restoreAppEnv, stubAppEnv } from "@/test/env";

const database = withFreshDatabase();
let hubspot: THubspotSandbox;

const FIXTURES: [TImportObject, string][] = [
  ["companies", "companies-tab.tsv"],
  ["contacts", "contacts-bom-semicolon.csv"],
  ["tickets", "tickets-freetext.csv"],
];

async function jobWith(files: [TImportObject, string][]): Promise<string> {
  const job = await createImportJob("test", null);
  for (const [object, name] of files) {
    await ingestFile({
      jobId: job.id,
      object,
      fileName: name,
      source: createReadStream(path.join(import.meta.dirname, "fixtures", name)),
    });
  }
  return job.id;
}

const counts = () => hubspot.portal.store.counts();
/** Requests the sandbox answered so far, by route. */
const routes = async () =>
  ((await (await fetch(`${hubspot.url}/__sandbox/counters`)).json()) as { byRoute: Record<string, number> })
    .byRoute;
const byObject = async (jobId: string) =>
  Object.fromEntries((await buildReport(jobId)).objects.map((o) => [o.object, o]));

beforeAll(async () => {
  hubspot = await startHubspotSandbox({ port: 0, webhookUrl: null });
  stubAppEnv(database.url(), {
    HUBSPOT_ACCESS_TOKEN: "pat-na1-test",
    HUBSPOT_API_BASE: hubspot.url,
    IMPORT_DEFAULT_COUNTRY: "US",
  });
  clearPropertyCache();
  // Records a salesperson made before the import: they must be updated, not duplicated.
  hubspot.portal.store.create("companies", { name: "US Navy", domain: "navy.mil" }, "CRM_UI");
  hubspot.portal.store.create("contacts", { email: "grace@navy.mil", firstname: "G" }, "CRM_UI");
});

afterAll(async () => {
  await hubspot?.close();
  restoreAppEnv();
});

describe("CSV import against the HubSpot sandbox", () => {
  let firstJob = "";

  it("previews without writing anything", async () => {
    firstJob = await jobWith(FIXTURES);
    const before = counts();
    const preview = await previewJob(firstJob, "US");
    expect(counts()).toEqual(before);
    expect(preview).toEqual([
      { object: "companies", create: 3, update: 1, skip: 0, associate: 0, associationMissing: 0 },
      { object: "contacts", create: 1, update: 1, skip: 2, associate: 2, associationMissing: 0 },
      { object: "tickets", create: 4, update: 0, skip: 1, associate: 2, associationMissing: 1 },
    ]);
    const rows = await db().importRow.findMany({
      where: { jobId: firstJob, object: "contacts" },
      orderBy: { rowNumber: "asc" },
    });
    expect(rows.map((r) => [r.outcome, r.reason])).toEqual([
      ["pending", "Would create; associate with company Example Ltd"],
      ["skipped", 'Email: "not-an-email" is not a valid e-mail address'],
      ["pending", expect.stringMatching(/^Would update HubSpot record \d+; associate with company Navy$/)],
      ["skipped", "Duplicate of row 1 in this file"],
    ]);
    const job = await loadJob(firstJob);
    expect(job.status).toBe("PREVIEWED");
    expect(job.files.find((f) => f.object === "contacts")?.columnQuality).toMatchObject({ Email: 0.75 });
  });

  it("imports companies, contacts and tickets with associations; bad rows are skipped with reasons", async () => {
    // A row HubSpot itself refuses (unknown property): it fails alone, the rest of its batch is written.
    const ada = await db().importRow.findFirstOrThrow({
      where: { jobId: firstJob, object: "tickets", rowNumber: 3 },
    });
    const v = ada.values as { properties: Record<string, string> };
    await db().importRow.update({
      where: { id: ada.id },
      data: { values: { ...(ada.values as object), properties: { ...v.properties, no_such_property: "x" } } },
    });
    const before = counts();
    const routesBefore = await routes();
    const report = await runJobInProcess(firstJob, { defaultCountry: "US" });
    expect(report.status).toBe("COMPLETED");
    // The import-key property is created straight away (one request per object, no read first).
    const routesAfter = await routes();
    const calls = (route: string) => (routesAfter[route] ?? 0) - (routesBefore[route] ?? 0);
    expect(calls("POST /crm/v3/properties/:objectType")).toBe(2);
    expect(calls("GET /crm/v3/properties/:objectType/:propertyName")).toBe(0);
    const r = Object.fromEntries(report.objects.map((o) => [o.object, o]));
    expect(r.companies).toMatchObject({ total: 4, created: 3, updated: 1, skipped: 0, failed: 0 });
    expect(r.contacts).toMatchObject({
      total: 4,
      created: 1,
      updated: 1,
      skipped: 2,
      failed: 0,
      associated: 2,
    });
    expect(r.tickets).toMatchObject({
      total: 5,
      created: 3,
      skipped: 1,
      failed: 1,
      associated: 2,
      associationsMissing: 1,
    });
    expect(counts().companies).toBe(before.companies + 3);
    expect(counts().contacts).toBe(before.contacts + 1);
    expect(counts().tickets).toBe(before.tickets + 3);

    const rows = await db().importRow.findMany({
      where: { jobId: firstJob },
      orderBy: [{ object: "asc" }, { rowNumber: "asc" }],
    });
    const adaContact = rows.find((x) => x.object === "contacts" && x.rowNumber === 1)!;
    const exampleCo = rows.find((x) => x.object === "companies" && x.rowNumber === 1)!;
    expect(
      hubspot.portal.associations.list("contacts", adaContact.hubspotId!, "companies").map((a) => a.toId),
    ).toEqual([exampleCo.hubspotId]);
    const adaTicket = rows.find((x) => x.object === "tickets" && x.rowNumber === 1)!;
    expect(
      hubspot.portal.associations.list("tickets", adaTicket.hubspotId!, "contacts").map((a) => a.toId),
    ).toEqual([adaContact.hubspotId]);
    const failed = rows.find((x) => x.object === "tickets" && x.rowNumber === 3)!;
    expect(failed.outcome).toBe("failed");
    expect(failed.reason).toMatch(/no_such_property/);
    const grace = hubspot.portal.store.find("contacts", "grace@navy.mil", "email")!;
    expect(grace.properties).toMatchObject({ firstname: "Grace", phone: "+12025550143" });

    let csv = "";
    for await (const part of failedRowsCsv(firstJob, "tickets")) csv += part;
    const lines = csv
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe("Subject,Description,Priority,row,outcome,reason");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^,Missing subject row,LOW,4,skipped,subject: Subject is required for tickets$/);
    expect((await loadJob(firstJob)).report).toMatchObject({ status: "COMPLETED" });
  });

  it("creates no duplicates when the same files are imported again", async () => {
    const before = counts();
    // Someone removed one contact's company in HubSpot since: the re-run must put it back.
    const linked = await db().importRow.findFirstOrThrow({
      where: { jobId: firstJob, object: "contacts", associations: { path: ["company"], not: "null" } },
    });
    const companyId = (linked.associations as { company: string }).company;
    hubspot.portal.associations.remove("contacts", linked.hubspotId!, "companies", companyId);
    const again = await jobWith(FIXTURES);
    const routesBefore = await routes();
    const report = await runJobInProcess(again, { defaultCountry: "US" });
    const routesAfter = await routes();
    const calls = (route: string) => (routesAfter[route] ?? 0) - (routesBefore[route] ?? 0);
    // Contacts and tickets the first import wrote are upserted (one call each), not created and
    // then updated; their associations are read (one call per object) and only the missing one is
    // written again.
    expect(calls("POST /crm/v3/objects/:objectType/batch/upsert")).toBe(2);
    expect(calls("POST /crm/v3/objects/:objectType/batch/update")).toBe(1); // companies, found by domain
    expect(calls("POST /crm/v4/associations/:fromObjectType/:toObjectType/batch/read")).toBe(2);
    expect(calls("POST /crm/v4/associations/:fromObjectType/:toObjectType/batch/create")).toBe(1);
    expect(
      hubspot.portal.associations.list("contacts", linked.hubspotId!, "companies").map((a) => a.toId),
    ).toContain(companyId);
    // The import-key property exists: its create answers 409, which is taken as "already there".
    expect(calls("POST /crm/v3/properties/:objectType")).toBe(2);
    expect(counts()).toEqual({ ...before, tickets: before.tickets + 1 }); // the row that failed the first time
    const r = Object.fromEntries(report.objects.map((o) => [o.object, o]));
    expect(r.companies).toMatchObject({ created: 0, updated: 4 });
    expect(r.contacts).toMatchObject({ created: 0, updated: 2, associated: 2 });
    expect(r.tickets).toMatchObject({ created: 1, updated: 3, failed: 0, associated: 2 });
  });

  it("reads a GBK file with Chinese headers and associates contacts to a company by name", async () => {
    const job = await jobWith([
      ["companies", "companies-tab.tsv"],
      ["contacts", "contacts-gbk.csv"],
    ]);
    const mapping = (await loadJob(job)).files.find((f) => f.object === "contacts")!.mapping!;
    expect(Object.fromEntries(mapping.map((m) => [m.header, m.target]))).toEqual({
      邮箱: "email",
      姓: "lastname",
      名: "firstname",
      手机: "phone", // the sandbox portal has no mobilephone property: the fallback synonym applies
      公司: "company",
    });
    stubAppEnv(database.url(), {
      HUBSPOT_ACCESS_TOKEN: "pat-na1-test",
      HUBSPOT_API_BASE: hubspot.url,
      IMPORT_DEFAULT_COUNTRY: "CN",
    });
    const report = await runJobInProcess(job, { defaultCountry: "CN" });
    const r = Object.fromEntries(report.objects.map((o) => [o.object, o]));
    // 上海示例公司 is not in the file, but li@example.cn's e-mail domain is 北京示例's domain.
    expect(r.contacts).toMatchObject({ created: 2, skipped: 1, associated: 2, associationsMissing: 0 });
    const wang = hubspot.portal.store.find("contacts", "wang@example.cn", "email")!;
    expect(wang.properties).toMatchObject({ lastname: "王", firstname: "小明", phone: "+8613800138000" });
  });

  it("runs as an Inngest function (fan-out over steps) and resumes only pending rows", async () => {
    const app = await startAppInngest({ functions: [importRunFunction] });
    try {
      const job = await jobWith(FIXTURES);
      const before = counts();
      const eventId = await app.send("revbridge/import.run.requested", { jobId: job });
      const [run] = await app.finishedRunsForEvent(eventId, 1, 60_000);
      expect(run?.status).toBe("Completed");
      const r = await byObject(job);
      expect(r.contacts).toMatchObject({ created: 0, updated: 2, pending: 0 });
      expect(counts()).toEqual(before);
      // Resume: nothing pending, so a second run writes nothing.
      const again = await app.send("revbridge/import.run.requested", { jobId: job });
      await app.finishedRunsForEvent(again, 1, 60_000);
      expect(await byObject(job)).toEqual(r);
    } finally {
      await app.close();
    }
  });

  it("validates rows while parallel uploads parse them; a changed mapping is validated again", async () => {
    const job = await createImportJob("parallel", null);
    await Promise.all(
      FIXTURES.map(([object, name]) =>
        ingestFile({
          jobId: job.id,
          object,
          fileName: name,
          source: createReadStream(path.join(import.meta.dirname, "fixtures", name)),
          defaultCountry: "US",
        }),
      ),
    );
    const files = (await loadJob(job.id)).files;
    // Three requests updating the job's file list at once: none lost another's entry.
    expect(files.map((f) => f.object).sort()).toEqual(["companies", "contacts", "tickets"]);
    expect(files.map((f) => f.validatedCountry)).toEqual(["US", "US", "US"]);
    const row = (n: number) =>
      db().importRow.findFirstOrThrow({ where: { jobId: job.id, object: "contacts", rowNumber: n } });
    expect(await row(2)).toMatchObject({
      outcome: "skipped",
      reason: expect.stringContaining("is not a valid e-mail address") as unknown,
    });
    expect(((await row(1)).values as { properties: Record<string, string> }).properties).toMatchObject({
      lastname: "Lovelace",
    });

    const contacts = () => loadJob(job.id).then((j) => j.files.find((f) => f.object === "contacts")!);
    const mapping = (await contacts()).mapping!;
    await saveMapping({ jobId: job.id, object: "contacts", mapping }); // same targets: still valid
    expect((await contacts()).validatedCountry).toBe("US");
    await saveMapping({
      jobId: job.id,
      object: "contacts",
      mapping: mapping.map((m) => (m.header === "Last name" ? { ...m, target: null } : m)),
    });
    expect((await contacts()).validatedCountry).toBeUndefined();
    await validateJob(job.id, "US", { onlyStale: true });
    expect((await contacts()).validatedCountry).toBe("US");
    expect(((await row(1)).values as { properties: Record<string, string> }).properties).not.toHaveProperty(
      "lastname",
    );
  });

  it("refuses a file that is not CSV and leaves no rows behind", async () => {
    const job = await createImportJob("bad", null);
    // eslint-disable-next-line @typescript-eslint/require-await -- a one-chunk byte stream
    async function* xlsx() {
      yield Buffer.concat([
        Buffer.from([0x50, 0x4b, 0x03, 0x04]),
        readFileSync(path.join(import.meta.dirname, "fixtures", "contacts-gbk.csv")),
      ]);
    }
    await expect(
      ingestFile({ jobId: job.id, object: "contacts", fileName: "x.xlsx", source: xlsx() }),
    ).rejects.toMatchObject({ status: 415 });
    expect(await db().importRow.count({ where: { jobId: job.id } })).toBe(0);
  });
});
