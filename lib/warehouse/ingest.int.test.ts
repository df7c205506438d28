import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { withFreshDatabase } from "@/test/db";
import { ingestSandboxForTests } from "@/lib/warehouse/ingest-harness";
import { runIngest } from "@/lib/warehouse/ingest-run";

const database = withFreshDatabase();
const harness = ingestSandboxForTests(database);
const { create } = harness;
const by = "IMPORT" as const;

/**
 * Windows are [since, until) to the millisecond: a fixture written in the very millisecond a run
 * starts belongs to the next window. A few milliseconds around each run keep the counts exact.
 */
async function ingest(kind: "full" | "incremental") {
  await new Promise((r) => setTimeout(r, 5));
  const run = await runIngest(kind);
  await new Promise((r) => setTimeout(r, 5));
  return run;
}

describe("warehouse ingest from the HubSpot sandbox", () => {
  it("full refresh: typed rows, raw JSON, associations, archived and merged records", async () => {
    const acme = create("companies", { name: "Acme School", domain: "acme.edu" });
    const beta = create("companies", { name: "Beta Academy" });
    const ann = create("contacts", { email: "Ann@Example.com", firstname: "Ann", lastname: "Lee" });
    const dup = create("contacts", { email: "ann.other@example.com", firstname: "Ann" });
    const gone = create("contacts", { email: "gone@example.com" });
    const d1 = create("deals", { dealname: "Fees", amount: "1200.50", deal_currency_code: "CNY" });
    const d2 = create("deals", { dealname: "No amount" });
    harness.hs.portal.associations.associate("contacts", ann.id, "companies", acme.id, 279);
    harness.hs.portal.associations.associate("contacts", dup.id, "companies", beta.id, 279);
    harness.hs.portal.associations.associate("deals", d1.id, "companies", acme.id, 341);
    harness.hs.portal.associations.associate("deals", d1.id, "contacts", ann.id, 3);
    harness.hs.portal.associations.associate("deals", d2.id, "companies", beta.id, 341);
    harness.hs.portal.store.archive(gone, by);
    harness.hs.portal.store.merge(ann, dup, by);

    const run = await ingest("full");
    expect(run.kind).toBe("full");
    expect(run.counts.contacts.fetched).toBe(1); // ann (dup merged away, gone archived)
    expect(run.counts.companies.fetched).toBe(2);
    expect(run.counts.deals.fetched).toBe(2);

    const contact = await db().hubspotContact.findUniqueOrThrow({ where: { id: ann.id } });
    expect(contact).toMatchObject({
      email: "ann@example.com",
      firstName: "Ann",
      lastName: "Lee",
      archived: false,
    });
    expect((contact.raw as { properties: Record<string, string> }).properties.email).toBe("ann@example.com");
    // Archived before it was ever ingested: never shows up as a live row.
    expect((await db().hubspotContact.findUnique({ where: { id: gone.id } }))?.archived ?? true).toBe(true);

    const deal = await db().hubspotDeal.findUniqueOrThrow({ where: { id: d1.id } });
    expect(deal.amount?.toString()).toBe("1200.5");
    expect(deal.currency).toBe("CNY");
    expect((await db().hubspotDeal.findUniqueOrThrow({ where: { id: d2.id } })).amount).toBeNull();

    const assoc = await db().hubspotAssociation.findMany({
      orderBy: [{ fromType: "asc" }, { fromId: "asc" }],
    });
    const pairs = assoc.map((a) => `${a.fromType}:${a.fromId}->${a.toType}:${a.toId}`).sort();
    // dup was merged away: none of its associations are kept under its id.
    expect(pairs).toEqual(
      [
        `contacts:${ann.id}->companies:${acme.id}`,
        `deals:${d1.id}->companies:${acme.id}`,
        `deals:${d1.id}->contacts:${ann.id}`,
        `deals:${d2.id}->companies:${beta.id}`,
      ].sort(),
    );
    const row = await db().ingestRun.findUniqueOrThrow({ where: { id: run.runId } });
    expect(row.status).toBe("succeeded");
    expect(row.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("merge seen by a later run: the merged-away row points at the survivor and its associations move", async () => {
    const keep = create("contacts", { email: "keep@example.com", firstname: "Keep" });
    const away = create("contacts", { email: "away@example.com", firstname: "Away" });
    const co = create("companies", { name: "Gamma College" });
    harness.hs.portal.associations.associate("contacts", away.id, "companies", co.id, 279);
    await ingest("incremental");
    expect(await db().hubspotAssociation.count({ where: { fromId: away.id } })).toBe(1);

    harness.hs.portal.store.merge(keep, away, by);
    const run = await ingest("incremental");
    expect(run.kind).toBe("incremental");
    expect(await db().hubspotContact.findUniqueOrThrow({ where: { id: away.id } })).toMatchObject({
      mergedIntoId: keep.id,
      archived: true,
    });
    expect(await db().hubspotAssociation.count({ where: { fromId: away.id } })).toBe(0);
    expect(await db().hubspotAssociation.count({ where: { fromId: keep.id, toId: co.id } })).toBe(1);
  });

  it("incremental: reads only what changed since the last run, via search", async () => {
    const before = await db().hubspotContact.count();
    const c = create("contacts", { email: "new@example.com", firstname: "New" });
    const old = (await db().hubspotContact.findFirstOrThrow({ where: { email: "ann@example.com" } })).id;
    const ann = harness.hs.portal.store.find("contacts", old)!;
    harness.hs.portal.store.update(ann, { lastname: "Lee-Smith" }, by);
    const keep = (await db().hubspotContact.findFirstOrThrow({ where: { email: "keep@example.com" } })).id;
    harness.hs.portal.store.archive(harness.hs.portal.store.find("contacts", keep)!, by);

    const run = await ingest("incremental");
    expect(run.kind).toBe("incremental");
    expect(run.counts.contacts.fetched).toBe(2);
    expect(run.counts.companies.fetched).toBe(0);
    expect(await db().hubspotContact.count()).toBe(before + 1);
    expect((await db().hubspotContact.findUniqueOrThrow({ where: { id: old } })).lastName).toBe("Lee-Smith");
    expect(await db().hubspotContact.findUnique({ where: { id: c.id } })).not.toBeNull();
    expect(run.counts.contacts.archived).toBe(1);
    expect((await db().hubspotContact.findUniqueOrThrow({ where: { id: keep } })).archived).toBe(true);
  });

  it("incremental over more than 10,000 changes splits the window under the search cap", async () => {
    const n = 10_050;
    harness.hs.portal.webhooks.withoutWebhooks(() => {
      for (let i = 0; i < n; i++) create("contacts", { email: `bulk${i}@example.com` });
    });
    const run = await ingest("incremental");
    expect(run.counts.contacts.splits).toBeGreaterThanOrEqual(1);
    expect(run.counts.contacts.fetched).toBe(n);
    expect(await db().hubspotContact.count({ where: { email: { startsWith: "bulk" } } })).toBe(n);
  }, 120_000);
});
