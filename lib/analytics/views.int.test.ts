import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { withFreshDatabase } from "@/test/db";
import { queryView } from "@/lib/analytics/warehouse-views";
import { importBusinessRows } from "@/lib/warehouse/business-import";
import { refreshAllTeamCandidates, refreshCandidatesForCompanies } from "@/lib/warehouse/team-candidates";
import { TEAM_MATCH_THRESHOLD_KEY } from "@/lib/warehouse/settings";

withFreshDatabase();

// ── fixtures ──
const contacts = [
  { id: "c1", email: "Ann@Example.com", firstName: "Ann", lastName: "Lee" },
  { id: "c2", email: " bob@example.com ", firstName: "Bob", lastName: "Ma" },
  { id: "c3", email: "carl@example.com", firstName: "Carl", lastName: "Wu" },
  { id: "c4", email: "dora@example.com", firstName: "Dora", lastName: "Xu", archived: true },
  { id: "c5", email: null, firstName: "NoMail", lastName: "X" },
];
const users = [
  { userId: "u1", email: "ann@example.com", lifetimeSpend: "1500.50", currency: "CNY" },
  { userId: "u2", email: "BOB@EXAMPLE.COM", lifetimeSpend: "20", currency: "USD" },
  { userId: "u4", email: "dora@example.com", lifetimeSpend: "99", currency: "CNY" },
  { userId: "u9", email: "nobody@example.com", lifetimeSpend: null, currency: null },
];
const companies = [
  { id: "co1", name: "Beijing International School" },
  { id: "co2", name: "Shanghai Academy" },
  { id: "co3", name: "Zzyzx Unrelated Holdings" },
  { id: "co4", name: "Dulwich College Suzhou" },
];
const teams = [
  { teamId: "t1", name: "Beijing International School" },
  { teamId: "t2", name: "Shanghai Academy Ltd" },
  { teamId: "t3", name: "Dulwich College" },
  { teamId: "t4", name: "Some Other Team" },
];
const deals = [
  { id: "d1", amount: "1000", currency: "CNY", company: "co1" },
  { id: "d2", amount: "250.25", currency: "CNY", company: "co1" },
  { id: "d3", amount: "40", currency: "USD", company: "co1" },
  { id: "d4", amount: null, currency: "CNY", company: "co1" }, // no amount: out of spend
  { id: "d5", amount: "700", currency: "CNY", company: "co2" },
  { id: "d6", amount: "5000", currency: "CNY", company: "co2", archived: true },
  { id: "d7", amount: "80", currency: "CNY", company: "co4" },
  { id: "d8", amount: "12", currency: "CNY", company: null },
];

const norm = (e: string | null) => (e === null ? null : e.replace(/\s/g, "").toLowerCase());

beforeAll(async () => {
  for (const c of contacts) {
    await db().hubspotContact.create({
      data: {
        id: c.id,
        email: c.email,
        firstName: c.firstName,
        lastName: c.lastName,
        archived: c.archived ?? false,
        raw: {},
      },
    });
  }
  for (const u of users) await db().appUser.create({ data: u });
  for (const c of companies) await db().hubspotCompany.create({ data: { ...c, raw: {} } });
  for (const t of teams) await db().team.create({ data: t });
  for (const d of deals) {
    await db().hubspotDeal.create({
      data: {
        id: d.id,
        amount: d.amount,
        currency: d.currency,
        archived: d.archived ?? false,
        closeDate: new Date("2026-06-01T00:00:00Z"),
        raw: {},
      },
    });
    if (d.company) {
      await db().hubspotAssociation.create({
        data: { fromType: "deals", fromId: d.id, toType: "companies", toId: d.company },
      });
    }
  }
  await refreshAllTeamCandidates();
});

describe("contacts_to_users", () => {
  it("joins contacts to users by email, ignoring case and whitespace; archived contacts left out", async () => {
    const expected = contacts
      .filter((c) => !c.archived && c.email)
      .flatMap((c) =>
        users
          .filter((u) => norm(u.email) === norm(c.email))
          .map((u) => ({
            contact_id: c.id,
            user_id: u.userId,
            client_lifetime_spend: u.lifetimeSpend,
            currency: u.currency,
          })),
      )
      .sort((a, b) => a.contact_id.localeCompare(b.contact_id));
    const res = await queryView("contacts_to_users", { sort: "contact_id", dir: "asc" });
    expect(res.total).toBe(expected.length);
    expect(
      res.rows.map((r) => ({
        contact_id: r.contact_id,
        user_id: r.user_id,
        client_lifetime_spend:
          r.client_lifetime_spend === null ? null : String(Number(r.client_lifetime_spend)),
        currency: r.currency,
      })),
    ).toEqual(
      expected.map((e) => ({
        ...e,
        client_lifetime_spend:
          e.client_lifetime_spend === null ? null : String(Number(e.client_lifetime_spend)),
      })),
    );
    expect(Object.keys(res.rows[0]!)).toEqual(
      expect.arrayContaining([
        "contact_id",
        "first_name",
        "last_name",
        "user_id",
        "email",
        "client_lifetime_spend",
      ]),
    );
  });

  it("filters, sorts and pages on the server", async () => {
    const page = await queryView("contacts_to_users", { q: "bob", pageSize: 1 });
    expect(page.total).toBe(1);
    expect(page.rows[0]!.contact_id).toBe("c2");
  });
});

describe("company_deals", () => {
  it("lists live deals with their company; amount and currency kept as they are", async () => {
    const live = deals.filter((d) => !d.archived);
    const res = await queryView("company_deals", { sort: "deal_id", dir: "asc", pageSize: 200 });
    expect(res.total).toBe(live.length);
    expect(
      res.rows.map((r) => [r.deal_id, r.company_id, r.amount === null ? null : Number(r.amount), r.currency]),
    ).toEqual(live.map((d) => [d.id, d.company, d.amount === null ? null : Number(d.amount), d.currency]));
    expect(res.rows.find((r) => r.deal_id === "d1")!.company_name).toBe("Beijing International School");
  });
});

/** The expected team_spending rows from the fixtures: similarity computed by PostgreSQL's pg_trgm only. */
async function expectedTeamSpending(
  threshold: number,
  overrides: { companyId: string; teamId: string; matched: boolean }[],
) {
  const out: { company_id: string; team_id: string; currency: string | null; total: number }[] = [];
  for (const c of companies) {
    const manual = overrides.find((o) => o.companyId === c.id && o.matched);
    let teamId: string | undefined = manual?.teamId;
    if (!teamId) {
      const scored: { teamId: string; score: number }[] = [];
      for (const t of teams) {
        const rows = await db().$queryRaw<
          { s: number }[]
        >`SELECT similarity(lower(btrim(${t.name})), lower(btrim(${c.name})))::float8 AS s`;
        const s = rows[0]!.s;
        const vetoed = overrides.some((o) => o.companyId === c.id && o.teamId === t.teamId && !o.matched);
        if (s >= threshold && !vetoed) scored.push({ teamId: t.teamId, score: s });
      }
      scored.sort((a, b) => b.score - a.score || a.teamId.localeCompare(b.teamId));
      teamId = scored[0]?.teamId;
    }
    if (!teamId) continue;
    const sums = new Map<string, number>();
    for (const d of deals) {
      if (d.company !== c.id || d.archived || d.amount === null) continue;
      sums.set(d.currency, (sums.get(d.currency) ?? 0) + Number(d.amount));
    }
    if (sums.size === 0) out.push({ company_id: c.id, team_id: teamId, currency: null, total: 0 });
    for (const [currency, total] of sums) out.push({ company_id: c.id, team_id: teamId, currency, total });
  }
  return out.sort((a, b) => `${a.company_id}${a.currency}`.localeCompare(`${b.company_id}${b.currency}`));
}

async function actualTeamSpending() {
  const res = await queryView("team_spending", { pageSize: 200 });
  return res.rows
    .map((r) => ({
      company_id: String(r.company_id),
      team_id: String(r.team_id),
      currency: r.currency as string | null,
      total: Number(r.total_team_spend),
    }))
    .sort((a, b) => `${a.company_id}${a.currency}`.localeCompare(`${b.company_id}${b.currency}`));
}

describe("team_spending", () => {
  it("matches companies to teams by trigram similarity at the default threshold; sums per currency", async () => {
    const expected = await expectedTeamSpending(0.45, []);
    expect(expected.length).toBeGreaterThan(2);
    expect(await actualTeamSpending()).toEqual(expected);
  });

  it("follows the configured threshold without a refresh", async () => {
    await db().appSetting.create({ data: { key: TEAM_MATCH_THRESHOLD_KEY, value: 0.9 } });
    expect(await actualTeamSpending()).toEqual(await expectedTeamSpending(0.9, []));
    await db().appSetting.delete({ where: { key: TEAM_MATCH_THRESHOLD_KEY } });
  });

  it("manual overrides win: a chosen team replaces the fuzzy one, a ruled-out pair is skipped", async () => {
    const overrides = [
      { companyId: "co3", teamId: "t4", matched: true },
      { companyId: "co1", teamId: "t1", matched: false },
    ];
    for (const o of overrides) await db().teamMatchOverride.create({ data: o });
    const actual = await actualTeamSpending();
    expect(actual).toEqual(await expectedTeamSpending(0.45, overrides));
    expect(actual.find((r) => r.company_id === "co3")?.team_id).toBe("t4");
    expect(actual.some((r) => r.company_id === "co1" && r.team_id === "t1")).toBe(false);
  });
});

/** team_spending's company → team pairs, and the candidate table, as sorted lists. */
async function matchState() {
  const pairs = await db().$queryRaw<{ company_id: string; team_id: string }[]>`
    SELECT DISTINCT company_id, team_id FROM team_spending ORDER BY company_id, team_id`;
  const candidates = await db().warehouseTeamCandidate.findMany({
    orderBy: [{ companyId: "asc" }, { teamId: "asc" }],
  });
  return { pairs, candidates };
}

describe("team candidates kept incrementally", () => {
  it("follow a company written by the ingest and teams imported, renamed and unmatched", async () => {
    // A new company, written as the ingest writes a page (row, then its candidates).
    await db().hubspotCompany.create({ data: { id: "co9", name: "Zebra Crossing Kindergarten", raw: {} } });
    await db().$transaction((tx) => refreshCandidatesForCompanies(tx, ["co9"]));
    expect((await matchState()).pairs.some((p) => p.company_id === "co9")).toBe(false);

    // A team import with a similar name: co9 matches it without any full refresh.
    await importBusinessRows("teams", [{ team_id: "tz", name: "zebra crossing kindergarten" }]);
    let state = await matchState();
    expect(state.pairs).toContainEqual({ company_id: "co9", team_id: "tz" });
    await refreshAllTeamCandidates();
    expect(await matchState()).toEqual(state);

    // The team renamed to something unrelated: co9 loses it; again the same as a full recompute.
    await importBusinessRows("teams", [{ team_id: "tz", name: "Quartz Mining Cooperative" }]);
    state = await matchState();
    expect(state.pairs.some((p) => p.company_id === "co9")).toBe(false);
    expect(state.candidates.some((c) => c.teamId === "tz" && c.companyId === "co9")).toBe(false);
    await refreshAllTeamCandidates();
    expect(await matchState()).toEqual(state);
  });

  it("keeps company spend current on every deal write", async () => {
    const spend = async () =>
      (
        await db().$queryRaw<{ total: string }[]>`
          SELECT total_team_spend::text AS total FROM team_spending WHERE company_id = 'co2' AND currency = 'CNY'`
      ).map((r) => Number(r.total));
    const before = await spend();
    await db().hubspotDeal.update({ where: { id: "d5" }, data: { amount: "701" } });
    expect(await spend()).toEqual(before.map(() => 701));
    await db().hubspotAssociation.delete({
      where: {
        fromType_fromId_toType_toId: { fromType: "deals", fromId: "d5", toType: "companies", toId: "co2" },
      },
    });
    expect(await spend()).toEqual([]);
  });
});
