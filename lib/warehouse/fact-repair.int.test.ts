import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { withFreshDatabase } from "@/test/db";
import { ingestSandboxForTests } from "@/lib/warehouse/ingest-harness";
import { runIngest } from "@/lib/warehouse/ingest-run";
import { remapMerged, upsertDeals } from "@/lib/warehouse/staging-store";

/**
 * The races the fact triggers cannot see, reproduced with two real concurrent transactions, and the
 * ingest run's closing pass repairing what they leave. Each test first checks that the race did
 * leave a stale fact (so the repair has something to do), then runs an incremental ingest (its
 * sandbox has nothing new: the closing pass is all it does) and compares with figures derived here
 * from the fixture, not read back from the tables the triggers keep.
 */

const database = withFreshDatabase();
ingestSandboxForTests(database);

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: database.url() });
  await client.connect();
  return client;
}

async function sql<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
  const c = await connect();
  try {
    return (await c.query(text, values)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Runs each transaction's statements (triggers included) before either commits, then commits both. */
async function race(first: string[], second: string[]): Promise<void> {
  const [a, b] = [await connect(), await connect()];
  try {
    await a.query("BEGIN");
    await b.query("BEGIN");
    for (const s of first) await a.query(s);
    for (const s of second) await b.query(s);
    await a.query("COMMIT");
    await b.query("COMMIT");
  } finally {
    await a.end();
    await b.end();
  }
}

const iso = (d: Date) => d.toISOString();
const HUBSPOT_DATE = (d: Date) => String(d.getTime());

beforeAll(async () => {
  // A first (full) run over the empty sandbox, so the runs below are incremental: a full refresh
  // recomputes every company's spend anyway and would hide whether the noted keys are enough.
  expect((await runIngest("full")).kind).toBe("full");
  await sql(`INSERT INTO "Campaign" (id, name, scene) VALUES ('cmp', 'Campaign', 'scene')`);
}, 60_000);

describe("fact repair pass", () => {
  it("repairs funnel facts that two concurrent writers of one person's source rows left stale", async () => {
    const first = new Date("2026-01-05T00:00:00Z");
    const linkedAt = new Date("2026-01-06T00:00:00Z");
    const paidAt = new Date("2026-02-01T12:00:00Z");
    const customerAt = new Date("2026-02-03T00:00:00Z");
    await sql(
      `INSERT INTO "WechatFollower" (id, openid, "campaignId", "subscribedAt", "firstSeenAt")
       VALUES ('w1', 'o1', 'cmp', $1, $1), ('w2', 'o2', 'cmp', $1, $1)`,
      [iso(first)],
    );
    await sql(
      `INSERT INTO "HubspotContact" (id, email, "lifecycleStage", raw, archived)
       VALUES ('h1', 'one@example.com', 'lead', '{"properties": {}}', false),
              ('h2', 'two@example.com', 'lead', '{"properties": {}}', false)`,
    );

    // o1: linked to h1 while h1's purchase is written. o2: linked to h2 while h2 becomes a customer.
    await race(
      [
        `INSERT INTO "IdentityLink" (id, "personId", system, "externalId", source, "linkedAt")
         VALUES ('l1', 'o1', 'HUBSPOT', 'h1', 'code', '${iso(linkedAt)}'),
                ('l2', 'o2', 'HUBSPOT', 'h2', 'code', '${iso(linkedAt)}')`,
      ],
      [
        `INSERT INTO "Purchase" (id, "purchaseKey", "hubspotContactId", amount, currency, "paidAt", sources)
         VALUES ('p1', 'k1', 'h1', 500000, 'cny', '${iso(paidAt)}', '{}')`,
        `UPDATE "HubspotContact" SET "lifecycleStage" = 'customer',
                raw = '{"properties": {"hs_lifecyclestage_customer_date": "${HUBSPOT_DATE(customerAt)}"}}'
          WHERE id = 'h2'`,
      ],
    );

    const facts = () =>
      sql(`SELECT openid, "contactLinkedAt", "lifecycleRank", "customerAt", "paidAt"
             FROM "FunnelFact" ORDER BY openid`);
    // What each person's facts are from the fixture: both linked, o1 paid, o2 a customer (rank 5).
    const expected = [
      { openid: "o1", contactLinkedAt: linkedAt, lifecycleRank: 1, customerAt: null, paidAt },
      { openid: "o2", contactLinkedAt: linkedAt, lifecycleRank: 5, customerAt, paidAt: null },
    ];
    const stale = await facts();
    // The race happened: each transaction's trigger missed the other's row.
    expect(stale[0]).toMatchObject({ openid: "o1", paidAt: null });
    expect(stale[1]).toMatchObject({ openid: "o2", lifecycleRank: 1 });

    const run = await runIngest("incremental");
    expect(run.kind).toBe("incremental");
    expect(await facts()).toEqual(expected);
    expect(run.repair).toMatchObject({ peopleFixed: 2 });
    expect(run.repair!.people).toBeGreaterThanOrEqual(2);

    // The notes were taken: the next pass has nothing left to recompute.
    expect((await runIngest("incremental")).repair).toMatchObject({ people: 0, peopleFixed: 0 });
  }, 60_000);

  it("repairs company spend that a company merge racing a deal page left stale", async () => {
    await sql(
      `INSERT INTO "HubspotCompany" (id, name, raw, archived)
       VALUES ('k1', 'Keep School', '{}', false), ('k2', 'Keep School Dup', '{}', false)`,
    );
    await sql(
      `INSERT INTO "HubspotDeal" (id, name, amount, currency, raw, archived)
       VALUES ('d1', 'Fees', 100, 'CNY', '{}', false), ('d2', 'Books', 40, 'CNY', '{}', false)`,
    );
    await sql(
      `INSERT INTO "HubspotAssociation" ("fromType", "fromId", "toType", "toId")
       VALUES ('deals', 'd1', 'companies', 'k2'), ('deals', 'd2', 'companies', 'k1')`,
    );
    const spend = async () =>
      Object.fromEntries(
        (
          await sql<{ companyId: string; total: string }>(
            `SELECT "companyId", total::text FROM "WarehouseCompanySpend"
              WHERE "companyId" IN ('k1', 'k2') AND currency = 'CNY'`,
          )
        ).map((r) => [r.companyId, r.total]),
      );
    expect(await spend()).toEqual({ k1: "40.00", k2: "100.00" });

    // The ingest's own writes: a companies page merging k2 into k1 (its deal moves to k1) while a
    // deals page raises d1 to 250. The deal page's trigger finds d1 still under k2 (the merge is
    // not committed) and waits for the merge's lock on k2's spend row; the merge summed d1's old
    // amount into k1.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let merged!: () => void;
    const mergeWritten = new Promise<void>((r) => (merged = r));
    const merge = db().$transaction(
      async (tx) => {
        await remapMerged(tx, "companies", [{ primaryId: "k1", mergedIds: ["k2"] }]);
        merged();
        await released;
      },
      { timeout: 30_000 },
    );
    await mergeWritten;
    const dealPage = db().$transaction(
      (tx) =>
        upsertDeals(tx, [
          {
            id: "d1",
            name: "Fees",
            amount: "250",
            currency: "CNY",
            stage: null,
            closeDate: null,
            lastModifiedAt: new Date(),
            archived: false,
            raw: "{}",
          },
        ]),
      { timeout: 30_000 },
    );
    // Commit the merge only once the deal page's trigger is waiting on it.
    for (let i = 0; i < 200; i++) {
      const waiting = await sql(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (waiting.length > 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    release();
    await merge;
    await dealPage;

    // From the fixture: both deals now belong to k1 alone (d1 at its new amount); k2 has none.
    const expected = { k1: String(250 + 40) + ".00" };
    const stale = await spend();
    expect(stale.k1).toBe("140.00"); // the race happened: d1's old amount
    expect(stale.k2).toBeUndefined();

    const run = await runIngest("incremental");
    expect(await spend()).toEqual(expected);
    expect(run.repair!.companiesFixed).toBeGreaterThanOrEqual(1);
    // Set-based on what was noted: the two companies, not all of them.
    expect(run.repair!.companies).toBe(2);
  }, 60_000);
});
