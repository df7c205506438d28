import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { peopleSql } from "@/lib/analytics/funnel";
import { readSetting } from "@/lib/settings/app-settings";

/**
 * Campaign ROI per campaign and period. People are attributed to the campaign of their first QR
 * follow and to the period of that first touch (the cohort their spend bought); their revenue is
 * every Stripe purchase of theirs (however late) plus the configured value per enrolment.
 * Leads = people with a linked HubSpot contact; applicants / enrolments = OpenApply applied /
 * enrolled (the funnel's definitions). Money is kept per currency: spend in CNY is only ever set
 * against revenue in CNY.
 */

export const ZRoiSettings = z.object({
  valuePerEnrolment: z.number().min(0).max(100_000_000).default(0),
  enrolmentCurrency: z
    .string()
    .regex(/^[A-Za-z]{3}$/)
    .transform((s) => s.toUpperCase())
    .default("CNY"),
});
export type TRoiSettings = z.infer<typeof ZRoiSettings>;
export const ROI_SETTINGS_KEY = "analytics.roi";
export const DEFAULT_ROI_SETTINGS: TRoiSettings = ZRoiSettings.parse({});

export async function readRoiSettings(): Promise<TRoiSettings> {
  return readSetting(ROI_SETTINGS_KEY, ZRoiSettings, DEFAULT_ROI_SETTINGS);
}

/** Stripe amounts are in minor units except for these currencies (Stripe's zero-decimal list). */
const ZERO_DECIMAL = new Set("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split(" "));
export function toMajorUnits(minor: number, currency: string): number {
  return ZERO_DECIMAL.has(currency.toUpperCase()) ? minor : minor / 100;
}

export const ZRoiQuery = z.object({
  period: z.enum(["all", "month", "week"]).default("month"),
  campaignId: z.string().trim().min(1).max(100).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});
export type TRoiQuery = z.input<typeof ZRoiQuery>;

export interface TRoiMoney {
  currency: string;
  spend: number;
  revenue: number;
  costPerLead: number | null;
  costPerApplicant: number | null;
  costPerEnrolment: number | null;
  /** (revenue − spend) / spend; null without spend. */
  roi: number | null;
}

export interface TRoiRow {
  campaignId: string;
  campaign: string;
  period: string;
  leads: number;
  applicants: number;
  enrolments: number;
  money: TRoiMoney[];
}

function periodSql(period: z.infer<typeof ZRoiQuery>["period"], col: string): string {
  if (period === "month") return `to_char(date_trunc('month', ${col}), 'YYYY-MM')`;
  if (period === "week") return `to_char(date_trunc('week', ${col}), 'YYYY-MM-DD')`;
  return `'all'`;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export async function computeRoi(input: TRoiQuery): Promise<{ rows: TRoiRow[]; settings: TRoiSettings }> {
  const q = ZRoiQuery.parse(input);
  const settings = await readRoiSettings();
  const params: unknown[] = [];
  const people = peopleSql({ groupBy: "none", campaignId: q.campaignId, from: q.from, to: q.to }, params);
  const per = periodSql(q.period, "t0");
  const [counts, revenue, spend, campaigns] = await Promise.all([
    db().$queryRawUnsafe<{ c: string; p: string; leads: bigint; applicants: bigint; enrolments: bigint }[]>(
      `WITH ${people}
       SELECT campaign_id AS c, ${per} AS p, count(*) FILTER (WHERE r_contact_linked) AS leads,
              count(*) FILTER (WHERE r_applied) AS applicants, count(*) FILTER (WHERE r_enrolled) AS enrolments
         FROM people WHERE campaign_id IS NOT NULL GROUP BY 1, 2`,
      ...params,
    ),
    db().$queryRawUnsafe<{ c: string; p: string; currency: string; minor: string }[]>(
      `WITH ${people},
       owned AS (
         SELECT pe.openid, p.id, p.amount, upper(p.currency) AS currency
           FROM people pe JOIN "IdentityLink" l ON l."personId" = pe.openid AND l.system = 'HUBSPOT'
           JOIN "Purchase" p ON p."hubspotContactId" = l."externalId"
         UNION
         SELECT pe.openid, p.id, p.amount, upper(p.currency)
           FROM people pe JOIN "IdentityLink" l ON l."personId" = pe.openid AND l.system = 'HUBSPOT'
           JOIN "ContactCustomerMap" m ON m."hubspotContactId" = l."externalId"
           JOIN "Purchase" p ON p."stripeCustomerId" = m."stripeCustomerId"
         UNION
         SELECT pe.openid, p.id, p.amount, upper(p.currency)
           FROM people pe JOIN "IdentityLink" l ON l."personId" = pe.openid AND l.system = 'STRIPE'
           JOIN "Purchase" p ON p."stripeCustomerId" = l."externalId"
       )
       SELECT pe.campaign_id AS c, ${periodSql(q.period, "pe.t0")} AS p, o.currency, sum(o.amount)::text AS minor
         FROM owned o JOIN people pe ON pe.openid = o.openid
        WHERE pe.campaign_id IS NOT NULL GROUP BY 1, 2, 3`,
      ...params,
    ),
    db().$queryRawUnsafe<{ c: string; p: string; currency: string; amount: string }[]>(
      `SELECT "campaignId" AS c, ${periodSql(q.period, "date")} AS p, upper(currency) AS currency,
              sum(amount)::text AS amount
         FROM "CampaignSpend"
        WHERE ($1::text IS NULL OR "campaignId" = $1) AND ($2::date IS NULL OR date >= $2::date)
          AND ($3::date IS NULL OR date <= $3::date)
        GROUP BY 1, 2, 3`,
      q.campaignId ?? null,
      q.from ?? null,
      q.to ?? null,
    ),
    db().campaign.findMany({ select: { id: true, name: true } }),
  ]);

  const names = new Map(campaigns.map((c) => [c.id, c.name]));
  const rows = new Map<string, TRoiRow & { rev: Map<string, number>; cost: Map<string, number> }>();
  const row = (c: string, p: string) => {
    const key = `${c}\u0000${p}`;
    let r = rows.get(key);
    if (!r) {
      r = {
        campaignId: c,
        campaign: names.get(c) ?? c,
        period: p,
        leads: 0,
        applicants: 0,
        enrolments: 0,
        money: [],
        rev: new Map(),
        cost: new Map(),
      };
      rows.set(key, r);
    }
    return r;
  };
  for (const x of counts) {
    const r = row(x.c, x.p);
    r.leads = Number(x.leads);
    r.applicants = Number(x.applicants);
    r.enrolments = Number(x.enrolments);
  }
  for (const x of revenue) {
    const r = row(x.c, x.p);
    r.rev.set(x.currency, (r.rev.get(x.currency) ?? 0) + toMajorUnits(Number(x.minor), x.currency));
  }
  for (const x of spend) row(x.c, x.p).cost.set(x.currency, Number(x.amount));

  const out: TRoiRow[] = [];
  for (const r of rows.values()) {
    if (settings.valuePerEnrolment > 0 && r.enrolments > 0) {
      const cur = settings.enrolmentCurrency;
      r.rev.set(cur, (r.rev.get(cur) ?? 0) + r.enrolments * settings.valuePerEnrolment);
    }
    const currencies = [...new Set([...r.cost.keys(), ...r.rev.keys()])].sort();
    const money = currencies.map((currency): TRoiMoney => {
      const s = r.cost.get(currency) ?? 0;
      const v = r.rev.get(currency) ?? 0;
      const per = (n: number) => (s > 0 && n > 0 ? round2(s / n) : null);
      return {
        currency,
        spend: round2(s),
        revenue: round2(v),
        costPerLead: per(r.leads),
        costPerApplicant: per(r.applicants),
        costPerEnrolment: per(r.enrolments),
        roi: s > 0 ? (v - s) / s : null,
      };
    });
    const { rev: _rev, cost: _cost, ...plain } = r;
    out.push({ ...plain, money });
  }
  out.sort((a, b) => a.campaign.localeCompare(b.campaign) || a.period.localeCompare(b.period));
  return { rows: out, settings };
}
