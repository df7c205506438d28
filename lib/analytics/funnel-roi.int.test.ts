import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { withFreshDatabase } from "@/test/db";
import { computeFunnel, funnelPeople } from "@/lib/analytics/funnel";
import { FUNNEL_STAGES, LIFECYCLE_RANK, median } from "@/lib/analytics/funnel-stages";
import { computeRoi, ROI_SETTINGS_KEY } from "@/lib/analytics/roi";
import { importCampaignSpend } from "@/lib/analytics/campaign-spend";

withFreshDatabase();

const H = 3_600_000;
const t = (iso: string) => new Date(`${iso}T00:00:00Z`);
const plus = (d: Date, hours: number) => new Date(d.getTime() + hours * H);

/** One person's facts; everything the funnel and ROI read is derived from these in the test too. */
interface TPerson {
  openid: string;
  campaign: "A" | "B" | null;
  first: Date;
  codeAfterH?: number;
  contact?: { id: string; linkAfterH: number; stage?: string; leadDateAfterH?: number };
  app?: { appliedAfterH?: number; enrolledAfterH?: number };
  /** Purchases (minor units) reached via the contact id, the customer map or a STRIPE link. */
  purchases?: { amount: number; currency: string; via: "contact" | "map" | "stripe" }[];
}

const people: TPerson[] = [
  {
    openid: "o1",
    campaign: "A",
    first: t("2026-01-05"),
    codeAfterH: 1,
    contact: { id: "h1", linkAfterH: 5, stage: "customer", leadDateAfterH: 6 },
    app: { appliedAfterH: 30, enrolledAfterH: 90 },
    purchases: [{ amount: 500_000, currency: "cny", via: "contact" }],
  },
  {
    openid: "o2",
    campaign: "A",
    first: t("2026-01-06"),
    codeAfterH: 2,
    contact: { id: "h2", linkAfterH: 3, stage: "lead" },
    app: { appliedAfterH: 50 },
  },
  { openid: "o3", campaign: "A", first: t("2026-01-20"), codeAfterH: 4 },
  { openid: "o4", campaign: "A", first: t("2026-02-02") },
  {
    openid: "o5",
    campaign: "B",
    first: t("2026-01-07"),
    codeAfterH: 1,
    contact: { id: "h5", linkAfterH: 10, stage: "opportunity" },
    purchases: [
      { amount: 12_000, currency: "usd", via: "map" },
      { amount: 3_000, currency: "usd", via: "stripe" },
    ],
  },
  {
    openid: "o6",
    campaign: "B",
    first: t("2026-02-10"),
    codeAfterH: 3,
    contact: { id: "h6", linkAfterH: 8, stage: "salesqualifiedlead" },
    app: { appliedAfterH: 20, enrolledAfterH: 40 },
  },
  { openid: "o7", campaign: null, first: t("2026-02-11"), codeAfterH: 1 },
];

const STAGE_KEYS = FUNNEL_STAGES.map((s) => s.key);

/** Each stage's time (undefined = not reached, null = reached at an unknown time), per person. */
function stageTimes(p: TPerson): Record<string, Date | null | undefined> {
  const r: Record<string, Date | null | undefined> = { followed: p.first };
  if (p.codeAfterH !== undefined) r.code_issued = plus(p.first, p.codeAfterH);
  if (p.contact) {
    r.contact_linked = plus(p.first, p.contact.linkAfterH);
    const rank = LIFECYCLE_RANK[p.contact.stage ?? ""] ?? 0;
    ["lead", "mql", "sql", "opportunity", "customer"].forEach((k, i) => {
      if (rank >= i + 1)
        r[k] =
          k === "lead" && p.contact!.leadDateAfterH !== undefined
            ? plus(p.first, p.contact!.leadDateAfterH)
            : null;
    });
  }
  if (p.app?.appliedAfterH !== undefined) r.applied = plus(p.first, p.app.appliedAfterH);
  if (p.app?.enrolledAfterH !== undefined) r.enrolled = plus(p.first, p.app.enrolledAfterH);
  if (p.purchases?.length) r.paid = plus(p.first, 100);
  return r;
}

function expectedFunnel(group: TPerson[]) {
  const times = group.map(stageTimes);
  return FUNNEL_STAGES.map((s, i) => {
    const count = times.filter((x) => x[s.key] !== undefined).length;
    if (i === 0) return { key: s.key, count, conversion: null, medianSeconds: null };
    const prev = STAGE_KEYS[i - 1]!;
    const prevCount = times.filter((x) => x[prev] !== undefined).length;
    const both = times.filter((x) => x[s.key] !== undefined && x[prev] !== undefined);
    const gaps = both
      .filter((x) => x[s.key] && x[prev])
      .map((x) => (x[s.key]!.getTime() - x[prev]!.getTime()) / 1000);
    return {
      key: s.key,
      count,
      conversion: prevCount === 0 ? null : both.length / prevCount,
      medianSeconds: median(gaps),
    };
  });
}

const strip = (
  stages: { key: string; count: number; conversion: number | null; medianSeconds: number | null }[],
) => stages.map(({ key, count, conversion, medianSeconds }) => ({ key, count, conversion, medianSeconds }));

const campaignIds: Record<string, string> = {};

beforeAll(async () => {
  for (const name of ["A", "B"]) {
    campaignIds[name] = (
      await db().campaign.create({ data: { name: `Campaign ${name}`, scene: `scene_${name}` } })
    ).id;
  }
  for (const p of people) {
    await db().wechatFollower.create({
      data: {
        openid: p.openid,
        campaignId: p.campaign ? campaignIds[p.campaign] : null,
        subscribedAt: p.first,
        firstSeenAt: p.first,
      },
    });
    if (p.codeAfterH !== undefined) {
      await db().userCode.create({
        data: { code: `CODE${p.openid}`, openid: p.openid, issuedAt: plus(p.first, p.codeAfterH) },
      });
    }
    if (p.contact) {
      await db().identityLink.create({
        data: {
          personId: p.openid,
          system: "HUBSPOT",
          externalId: p.contact.id,
          source: "code",
          linkedAt: plus(p.first, p.contact.linkAfterH),
        },
      });
      const props: Record<string, string> = {};
      if (p.contact.leadDateAfterH !== undefined)
        props.hs_lifecyclestage_lead_date = plus(p.first, p.contact.leadDateAfterH).toISOString();
      await db().hubspotContact.create({
        data: { id: p.contact.id, lifecycleStage: p.contact.stage ?? null, raw: { properties: props } },
      });
    }
    if (p.app) {
      const studentId = `s_${p.openid}`;
      await db().identityLink.create({
        data: { personId: p.openid, system: "OPENAPPLY", externalId: studentId, source: "code" },
      });
      await db().application.create({
        data: {
          studentId,
          status: p.app.enrolledAfterH !== undefined ? "enrolled" : "applied",
          appliedAt: p.app.appliedAfterH !== undefined ? plus(p.first, p.app.appliedAfterH) : null,
          enrolledAt: p.app.enrolledAfterH !== undefined ? plus(p.first, p.app.enrolledAfterH) : null,
          sourceUpdatedAt: p.first,
          raw: {},
        },
      });
    }
    for (const [i, pu] of (p.purchases ?? []).entries()) {
      const customer = `cus_${p.openid}_${i}`;
      if (pu.via === "map")
        await db().contactCustomerMap.create({
          data: { hubspotContactId: p.contact!.id, stripeCustomerId: customer },
        });
      if (pu.via === "stripe")
        await db().identityLink.create({
          data: {
            personId: p.openid,
            system: "STRIPE",
            externalId: customer,
            source: "contact_customer_map",
          },
        });
      await db().purchase.create({
        data: {
          purchaseKey: `pi_${p.openid}_${i}`,
          amount: pu.amount,
          currency: pu.currency,
          paidAt: plus(p.first, 100 + i),
          hubspotContactId: pu.via === "contact" ? p.contact!.id : null,
          stripeCustomerId: pu.via === "contact" ? null : customer,
          sources: ["checkout.session.completed"],
        },
      });
    }
  }
});

describe("funnel", () => {
  it("counts, conversion and median time per stage over everyone", async () => {
    const res = await computeFunnel({ groupBy: "none" });
    expect(strip(res.total.stages)).toEqual(expectedFunnel(people));
  });

  it("by campaign and by monthly cohort of first touch", async () => {
    const byCampaign = await computeFunnel({ groupBy: "campaign" });
    for (const name of ["A", "B"] as const) {
      const g = byCampaign.groups.find((x) => x.key === campaignIds[name]);
      expect(g?.label).toBe(`Campaign ${name}`);
      expect(strip(g!.stages)).toEqual(expectedFunnel(people.filter((p) => p.campaign === name)));
    }
    const byMonth = await computeFunnel({ groupBy: "month" });
    expect(byMonth.groups.map((g) => g.key)).toEqual(["2026-01", "2026-02"]);
    expect(strip(byMonth.groups[1]!.stages)).toEqual(
      expectedFunnel(people.filter((p) => p.first.toISOString().startsWith("2026-02"))),
    );
  });

  it("drills down to the people at a stage, and to those who dropped out after it", async () => {
    const at = await funnelPeople({ stage: "code_issued", groupBy: "none" });
    expect(at.people.map((p) => p.openid).sort()).toEqual(
      people
        .filter((p) => p.codeAfterH !== undefined)
        .map((p) => p.openid)
        .sort(),
    );
    const dropped = await funnelPeople({
      stage: "code_issued",
      dropped: true,
      groupBy: "campaign",
      group: campaignIds.A,
    });
    expect(dropped.people.map((p) => p.openid)).toEqual(["o3"]);
  });
});

describe("ROI", () => {
  it("spend, revenue (purchases + value per enrolment), cost per lead/applicant/enrolment, per currency", async () => {
    const upload = await importCampaignSpend([
      { date: "2026-01-01", campaign: "Campaign A", amount: "3000", currency: "CNY" },
      { date: "2026-01-15", campaign: "scene_A", amount: "1000.50", currency: "cny" },
      { date: "2026-01-03", campaign: "Campaign B", amount: "90", currency: "USD" },
      { date: "2026-02-03", campaign: "Campaign B", amount: "400", currency: "CNY" },
      { date: "2026-13-01", campaign: "Campaign A", amount: "1", currency: "CNY" },
      { date: "2026-01-02", campaign: "Nope", amount: "1", currency: "CNY" },
      { date: "2026-01-02", campaign: "Campaign A", amount: "-5", currency: "CNY" },
    ]);
    expect(upload.imported).toBe(4);
    expect(upload.errors.map((e) => [e.row, e.field])).toEqual([
      [5, "date"],
      [6, "campaign"],
      [7, "amount"],
    ]);
    await db().appSetting.create({
      data: { key: ROI_SETTINGS_KEY, value: { valuePerEnrolment: 2000, enrolmentCurrency: "CNY" } },
    });

    const res = await computeRoi({ period: "all" });
    const a = res.rows.find((r) => r.campaignId === campaignIds.A)!;
    const b = res.rows.find((r) => r.campaignId === campaignIds.B)!;
    // A: leads o1,o2; applicants o1,o2; enrolments o1. Spend 4000.50 CNY. Revenue 5000 CNY + 1 × 2000.
    expect([a.leads, a.applicants, a.enrolments]).toEqual([2, 2, 1]);
    expect(a.money).toEqual([
      {
        currency: "CNY",
        spend: 4000.5,
        revenue: 7000,
        costPerLead: 2000.25,
        costPerApplicant: 2000.25,
        costPerEnrolment: 4000.5,
        roi: (7000 - 4000.5) / 4000.5,
      },
    ]);
    // B: leads o5,o6; applicants o6; enrolments o6. CNY: spend 400, revenue 2000 (enrolment). USD: spend 90, revenue 150.
    expect([b.leads, b.applicants, b.enrolments]).toEqual([2, 1, 1]);
    expect(b.money).toEqual([
      {
        currency: "CNY",
        spend: 400,
        revenue: 2000,
        costPerLead: 200,
        costPerApplicant: 400,
        costPerEnrolment: 400,
        roi: 4,
      },
      {
        currency: "USD",
        spend: 90,
        revenue: 150,
        costPerLead: 45,
        costPerApplicant: 90,
        costPerEnrolment: 90,
        roi: (150 - 90) / 90,
      },
    ]);

    const monthly = await computeRoi({ period: "month", campaignId: campaignIds.B });
    expect(
      monthly.rows.map((r) => [r.period, r.leads, r.money.map((m) => [m.currency, m.spend, m.revenue])]),
    ).toEqual([
      ["2026-01", 1, [["USD", 90, 150]]],
      ["2026-02", 1, [["CNY", 400, 2000]]],
    ]);
  });
});

describe("funnel facts follow later writes", () => {
  it("a new link, a lifecycle change, a merge and a removed purchase show in the next funnel", async () => {
    const after = people.map((p) => ({ ...p, contact: p.contact && { ...p.contact } }));
    // o3 gets linked to a contact that arrives later as a lead.
    const o3 = after.find((p) => p.openid === "o3")!;
    o3.contact = { id: "h3", linkAfterH: 7, stage: "lead" };
    await db().identityLink.create({
      data: {
        personId: "o3",
        system: "HUBSPOT",
        externalId: "h3",
        source: "code",
        linkedAt: plus(o3.first, 7),
      },
    });
    await db().hubspotContact.create({ data: { id: "h3", lifecycleStage: "lead", raw: {} } });
    // o2's contact becomes an opportunity (the ingest rewrites the row).
    const o2 = after.find((p) => p.openid === "o2")!;
    o2.contact!.stage = "opportunity";
    await db().hubspotContact.update({ where: { id: "h2" }, data: { lifecycleStage: "opportunity" } });
    // o6's contact is merged into a new customer: o6 follows the survivor.
    const o6 = after.find((p) => p.openid === "o6")!;
    o6.contact!.stage = "customer";
    await db().hubspotContact.create({ data: { id: "h6b", lifecycleStage: "customer", raw: {} } });
    await db().hubspotContact.update({ where: { id: "h6" }, data: { mergedIntoId: "h6b", archived: true } });
    // o1's purchase is removed (refund cleanup): o1 is no longer paid.
    const o1 = after.find((p) => p.openid === "o1")!;
    o1.purchases = [];
    await db().purchase.delete({ where: { purchaseKey: "pi_o1_0" } });

    const res = await computeFunnel({ groupBy: "none" });
    expect(strip(res.total.stages)).toEqual(expectedFunnel(after));
    expect(strip(res.total.stages)).not.toEqual(expectedFunnel(people));
  });
});
