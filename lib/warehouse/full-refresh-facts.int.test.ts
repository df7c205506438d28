import pg from "pg";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { withFreshDatabase } from "@/test/db";
import { ingestSandboxForTests } from "@/lib/warehouse/ingest-harness";
import { runIngest } from "@/lib/warehouse/ingest-run";

/**
 * A full refresh defers company spend (and skips the deal → company lookups of the spend triggers)
 * and recomputes it in its closing pass. Its result must be exactly what the triggers produce when
 * every row is written on its own: here the ingested state is compared with a replay of the same
 * rows, one INSERT statement per row with every trigger live, from empty fact tables. Several
 * pages per type (100 records a page), a second full refresh over changed, archived, merged and
 * re-associated records, and funnel people linked before the ingest.
 */

const database = withFreshDatabase();
const harness = ingestSandboxForTests(database);
const { create } = harness;
const by = "IMPORT" as const;

async function withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: database.url() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Every trigger-maintained fact and every view, in a stable order (what the pages can show). */
const SNAPSHOT: Record<string, string> = {
  spend: `SELECT "companyId", currency, total::text FROM "WarehouseCompanySpend" ORDER BY 1, 2`,
  candidates: `SELECT "companyId", "teamId", score FROM "WarehouseTeamCandidate" ORDER BY 1, 2`,
  matches: `SELECT "companyId", "teamId", score, source FROM "WarehouseTeamMatch" ORDER BY 1, 2`,
  funnel: `SELECT * FROM "FunnelFact" ORDER BY openid`,
  lifecycle: `SELECT id, "lifecycleRank", "leadAt", "mqlAt", "sqlAt", "opportunityAt", "customerAt"
                FROM "HubspotContact" ORDER BY id`,
  contacts_to_users: `SELECT * FROM contacts_to_users ORDER BY contact_id, user_id`,
  team_spending: `SELECT company_id, company_name, team_id, match_score, total_team_spend::text, currency,
                         match_source FROM team_spending ORDER BY company_id, team_id, currency`,
  company_deals: `SELECT deal_id, amount::text, close_date, company_id, company_name, currency
                    FROM company_deals ORDER BY deal_id, company_id`,
};

async function snapshot(c: pg.Client): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(SNAPSHOT)) out[name] = (await c.query(sql)).rows;
  return out;
}

/** Source tables in replay order (deals before the companies and contacts they name, on purpose). */
const REPLAYED = [
  "HubspotDeal",
  "HubspotAssociation",
  "HubspotCompany",
  "HubspotContact",
  "WechatFollower",
  "UserCode",
  "IdentityLink",
  "Application",
  "Purchase",
];
const FACTS = ["WarehouseCompanySpend", "FunnelFact", "WarehouseTeamCandidate", "WarehouseTeamMatch"];

/**
 * The reference: the same source rows written again one statement per row, every trigger live and
 * nothing deferred, into empty fact tables; team candidates per company as the ingest keeps them.
 * Inside a transaction that is rolled back, so the database is left as the ingest wrote it.
 */
async function rowByRowReference(): Promise<Record<string, unknown[]>> {
  return withClient(async (c) => {
    await c.query("BEGIN");
    try {
      for (const t of REPLAYED)
        await c.query(`CREATE TEMP TABLE "r_${t}" ON COMMIT DROP AS SELECT * FROM "${t}"`);
      await c.query(`TRUNCATE ${[...REPLAYED, ...FACTS].map((t) => `"${t}"`).join(", ")} CASCADE`);
      await c.query(
        `DO $$
         DECLARE t text; cols text; r record;
         BEGIN
           FOREACH t IN ARRAY ARRAY[${REPLAYED.map((t) => `'${t}'`).join(", ")}] LOOP
             SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO cols
               FROM information_schema.columns
              WHERE table_schema = current_schema() AND table_name = t AND is_generated = 'NEVER';
             FOR r IN EXECUTE format('SELECT ctid AS c FROM %I', 'r_' || t) LOOP
               EXECUTE format('INSERT INTO %I (%s) SELECT %s FROM %I WHERE ctid = $1', t, cols, cols, 'r_' || t)
                 USING r.c;
             END LOOP;
           END LOOP;
           FOR r IN SELECT id FROM "HubspotCompany" LOOP
             PERFORM warehouse_refresh_team_candidates(ARRAY[r.id]);
           END LOOP;
         END $$`,
      );
      return await snapshot(c);
    } finally {
      await c.query("ROLLBACK");
    }
  });
}

describe("full refresh with deferred facts", () => {
  const STAGES = ["lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer"];
  const companies: ReturnType<typeof create>[] = [];
  const contacts: ReturnType<typeof create>[] = [];
  const deals: ReturnType<typeof create>[] = [];

  it("ends with the facts and views that row-by-row trigger maintenance gives", async () => {
    for (let i = 0; i < 130; i++) companies.push(create("companies", { name: `Company ${i} School` }));
    for (let i = 0; i < 240; i++) {
      const c = create("contacts", {
        email: `person${i}@example.com`,
        firstname: `First${i}`,
        lifecyclestage: STAGES[i % 5]!,
      });
      harness.hs.portal.associations.associate("contacts", c.id, "companies", companies[i % 130]!.id, 279);
      contacts.push(c);
    }
    for (let i = 0; i < 230; i++) {
      const d = create("deals", {
        dealname: `Deal ${i}`,
        ...(i % 10 === 9 ? {} : { amount: String(100 + i), deal_currency_code: i % 4 ? "CNY" : "USD" }),
      });
      harness.hs.portal.associations.associate("deals", d.id, "companies", companies[i % 130]!.id, 341);
      // Some deals belong to two companies; each counts the deal once.
      if (i % 7 === 0)
        harness.hs.portal.associations.associate(
          "deals",
          d.id,
          "companies",
          companies[(i + 1) % 130]!.id,
          341,
        );
      harness.hs.portal.associations.associate("deals", d.id, "contacts", contacts[i % 240]!.id, 3);
      deals.push(d);
    }
    // Business tables and funnel people that exist before the ingest (links to contacts not yet ingested).
    await withClient(async (c) => {
      await c.query(`INSERT INTO "AppUser" ("userId", name, email, "lifetimeSpend", currency, "updatedAt")
                     SELECT 'u' || i, 'User ' || i, ' PERSON' || i || '@Example.com ', i * 10, 'CNY', now()
                       FROM generate_series(0, 239, 3) i`);
      await c.query(`INSERT INTO "Team" ("teamId", name, "updatedAt")
                     SELECT 't' || i, 'company ' || i || ' school', now() FROM generate_series(0, 129, 2) i`);
      await c.query(`INSERT INTO "Campaign" (id, name, scene) VALUES ('cmp1', 'Campaign 1', 'scene1')`);
      await c.query(`INSERT INTO "WechatFollower" (id, openid, "campaignId", "subscribedAt", "firstSeenAt")
                     SELECT 'wf' || i, 'o' || i, 'cmp1', timestamp '2026-01-01' + i * interval '1 hour',
                            timestamp '2026-01-01' + i * interval '1 hour' FROM generate_series(0, 179) i`);
      await c.query(`INSERT INTO "UserCode" (id, code, openid, "issuedAt")
                     SELECT 'uc' || i, 'C' || i, 'o' || i, timestamp '2026-01-02' + i * interval '1 hour'
                       FROM generate_series(0, 179, 2) i`);
      await c.query(
        `INSERT INTO "IdentityLink" (id, "personId", system, "externalId", source, "linkedAt")
         SELECT 'il' || i, 'o' || i, 'HUBSPOT', ids[i + 1], 'code', timestamp '2026-01-03' + i * interval '1 hour'
           FROM generate_series(0, 149) i, (SELECT $1::text[] AS ids) a`,
        [contacts.map((x) => x.id)],
      );
      await c.query(
        `INSERT INTO "Purchase" (id, "purchaseKey", "hubspotContactId", amount, currency, "paidAt", sources)
         SELECT 'pu' || i, 'pk' || i, ids[i + 1], 5000, 'CNY', timestamp '2026-03-01' + i * interval '1 day', '{}'
           FROM generate_series(0, 149, 5) i, (SELECT $1::text[] AS ids) a`,
        [contacts.map((x) => x.id)],
      );
    });

    const first = await runIngest("full");
    expect(first.kind).toBe("full");
    expect(first.counts.deals.fetched).toBe(230);
    const ingested = await withClient(snapshot);
    // Not vacuous: spend for every company, funnel facts with linked contacts' lifecycle.
    expect(ingested.spend!.length).toBeGreaterThanOrEqual(130);
    expect(ingested.funnel!.filter((f) => (f as { lifecycleRank: number }).lifecycleRank > 0).length).toBe(
      150,
    );
    expect(ingested.team_spending!.length).toBeGreaterThan(0);
    expect(ingested).toEqual(await rowByRowReference());
  }, 120_000);

  it("stays identical after a second full refresh over changed, archived, merged and moved records", async () => {
    for (let i = 0; i < 230; i += 9)
      harness.hs.portal.store.update(deals[i]!, { amount: String(7000 + i) }, by);
    for (let i = 3; i < 230; i += 23) harness.hs.portal.store.archive(deals[i]!, by);
    for (let i = 5; i < 230; i += 31) {
      harness.hs.portal.associations.remove("deals", deals[i]!.id, "companies", companies[i % 130]!.id);
      harness.hs.portal.associations.associate(
        "deals",
        deals[i]!.id,
        "companies",
        companies[(i + 50) % 130]!.id,
        341,
      );
    }
    for (let i = 0; i < 130; i += 11)
      harness.hs.portal.store.update(companies[i]!, { name: `Renamed ${i} College` }, by);
    for (let i = 1; i < 240; i += 4)
      harness.hs.portal.store.update(contacts[i]!, { lifecyclestage: "customer" }, by);
    harness.hs.portal.store.merge(contacts[10]!, contacts[11]!, by);
    harness.hs.portal.store.merge(companies[20]!, companies[21]!, by);

    const second = await runIngest("full");
    expect(second.kind).toBe("full");
    const ingested = await withClient(snapshot);
    expect(ingested).toEqual(await rowByRowReference());
    // The changed amounts did reach spend (the comparison above is not of two stale states).
    const changed = await db().hubspotDeal.findUniqueOrThrow({ where: { id: deals[9]!.id } });
    expect(changed.amount?.toString()).toBe("7009");
  }, 120_000);
});
