import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { FUNNEL_STAGES } from "@/lib/analytics/funnel-stages";

/**
 * The conversion funnel, aggregated in PostgreSQL (one statement; 100,000 people stay in the
 * database). Definitions of every stage: funnel-stages.ts.
 */

export const ZFunnelQuery = z.object({
  groupBy: z.enum(["none", "campaign", "week", "month"]).default("campaign"),
  campaignId: z.string().trim().min(1).max(100).optional(),
  /** First-touch range, inclusive dates (YYYY-MM-DD). */
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});
export type TFunnelQuery = z.input<typeof ZFunnelQuery>;

/** FunnelFact's lifecycle date columns, in stage order (lead … customer). */
const LIFECYCLE_COLUMNS = ["leadAt", "mqlAt", "sqlAt", "opportunityAt", "customerAt"];
const STAGE_KEYS = FUNNEL_STAGES.map((s) => s.key);

/**
 * One row per follower with each stage's time (t_<key>) and whether it was reached (r_<key>), from
 * FunnelFact: the database keeps each person's stage times on every write of the tables they come
 * from (migration 20261122223000), so this is one scan of a narrow table, not seven joins.
 */
export function peopleSql(q: z.infer<typeof ZFunnelQuery>, params: unknown[]): string {
  const filters: string[] = [];
  if (q.campaignId) {
    params.push(q.campaignId);
    filters.push(`f."campaignId" = $${params.length}`);
  }
  if (q.from) {
    params.push(q.from);
    filters.push(`f."firstTouchAt" >= $${params.length}::date`);
  }
  if (q.to) {
    params.push(q.to);
    filters.push(`f."firstTouchAt" < $${params.length}::date + 1`);
  }
  const lifecycle = LIFECYCLE_COLUMNS.map(
    (col, i) =>
      `f."${col}" AS t_${STAGE_KEYS[3 + i]}, f."lifecycleRank" >= ${i + 1} AS r_${STAGE_KEYS[3 + i]}`,
  ).join(",\n      ");
  return `
  people AS (
    SELECT f.openid, f."campaignId" AS campaign_id, f."firstTouchAt" AS t0,
      f."firstTouchAt" AS t_followed, true AS r_followed,
      f."codeIssuedAt" AS t_code_issued, f."codeIssuedAt" IS NOT NULL AS r_code_issued,
      f."contactLinkedAt" AS t_contact_linked, f."contactLinkedAt" IS NOT NULL AS r_contact_linked,
      ${lifecycle},
      f."appliedAt" AS t_applied, f."appliedAt" IS NOT NULL AS r_applied,
      f."enrolledAt" AS t_enrolled, f."enrolledAt" IS NOT NULL AS r_enrolled,
      f."paidAt" AS t_paid, f."paidAt" IS NOT NULL AS r_paid
      FROM "FunnelFact" f ${filters.length ? `WHERE ${filters.join(" AND ")}` : ""}
  )`;
}

function groupExpr(groupBy: z.infer<typeof ZFunnelQuery>["groupBy"]): string {
  if (groupBy === "campaign") return `COALESCE(campaign_id, '')`;
  if (groupBy === "week") return `to_char(date_trunc('week', t0), 'YYYY-MM-DD')`;
  if (groupBy === "month") return `to_char(date_trunc('month', t0), 'YYYY-MM')`;
  return `'all'`;
}

export interface TFunnelStageFigures {
  key: string;
  label: string;
  count: number;
  /** Share of the previous stage's people who reached this one (null for the first / when none). */
  conversion: number | null;
  /** Median seconds from the previous stage (null when no one has both times). */
  medianSeconds: number | null;
}

export interface TFunnelGroup {
  key: string;
  label: string;
  stages: TFunnelStageFigures[];
}

export async function computeFunnel(
  input: TFunnelQuery,
): Promise<{ total: TFunnelGroup; groups: TFunnelGroup[] }> {
  const q = ZFunnelQuery.parse(input);
  const params: unknown[] = [];
  const people = peopleSql(q, params);
  const aggs = STAGE_KEYS.map((k, i) => {
    const parts = [`count(*) FILTER (WHERE r_${k}) AS c_${k}`];
    if (i > 0) {
      const p = STAGE_KEYS[i - 1];
      parts.push(`count(*) FILTER (WHERE r_${k} AND r_${p}) AS b_${k}`);
      parts.push(
        `percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t_${k} - t_${p})) FILTER (WHERE r_${k} AND r_${p} AND t_${k} IS NOT NULL AND t_${p} IS NOT NULL) AS m_${k}`,
      );
    }
    return parts.join(", ");
  }).join(",\n    ");
  const g = groupExpr(q.groupBy);
  // GROUPING SETS gives every group and the total in one pass over the people.
  const sql =
    q.groupBy === "none"
      ? `WITH ${people} SELECT 'all' AS g, 1 AS is_total, ${aggs} FROM people`
      : `WITH ${people}
         SELECT ${g} AS g, GROUPING(${g}) AS is_total, ${aggs}
           FROM people GROUP BY GROUPING SETS ((${g}), ()) ORDER BY is_total DESC, g`;
  // Eleven medians sort up to 100,000 values each: in memory, not in temporary files.
  const rows = await db().$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SET LOCAL work_mem = '64MB'`);
    return tx.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...params);
  });
  const campaignNames =
    q.groupBy === "campaign"
      ? new Map(
          (await db().campaign.findMany({ select: { id: true, name: true } })).map((c) => [c.id, c.name]),
        )
      : new Map<string, string>();
  const toGroup = (r: Record<string, unknown>): TFunnelGroup => {
    const key = Number(r.is_total) === 1 ? "total" : String(r.g);
    const label =
      key === "total" ? "All" : q.groupBy === "campaign" ? (campaignNames.get(key) ?? "No campaign") : key;
    return {
      key,
      label,
      stages: FUNNEL_STAGES.map((s, i) => {
        const count = Number(r[`c_${s.key}`] ?? 0);
        const prev = i > 0 ? Number(r[`c_${STAGE_KEYS[i - 1]}`] ?? 0) : 0;
        const both = Number(r[`b_${s.key}`] ?? 0);
        const m = r[`m_${s.key}`];
        return {
          key: s.key,
          label: s.label,
          count,
          conversion: i === 0 || prev === 0 ? null : both / prev,
          medianSeconds: m === null || m === undefined ? null : Number(m),
        };
      }),
    };
  };
  const all = rows.map(toGroup);
  const total = all.find((x) => x.key === "total") ?? toGroup({ is_total: 1 });
  return { total, groups: all.filter((x) => x.key !== "total") };
}

export const ZFunnelPeopleQuery = ZFunnelQuery.extend({
  stage: z.enum(STAGE_KEYS as [string, ...string[]]),
  /** Only the people who reached `stage` but not the next one (where they dropped out). */
  dropped: z.coerce.boolean().default(false),
  /** A group key from computeFunnel (campaign id, cohort week/month) to drill into. */
  group: z.string().max(100).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type TFunnelPeopleQuery = z.input<typeof ZFunnelPeopleQuery>;

export async function funnelPeople(input: TFunnelPeopleQuery) {
  const q = ZFunnelPeopleQuery.parse(input);
  const params: unknown[] = [];
  const people = peopleSql(q, params);
  const idx = STAGE_KEYS.indexOf(q.stage as (typeof STAGE_KEYS)[number]);
  const conds = [`r_${q.stage}`];
  const next = STAGE_KEYS[idx + 1];
  if (q.dropped && next) conds.push(`NOT r_${next}`);
  if (q.group !== undefined && q.groupBy !== "none") {
    params.push(q.group);
    conds.push(`${groupExpr(q.groupBy)} = $${params.length}`);
  }
  const reached = `(${STAGE_KEYS.map((k, i) => `CASE WHEN r_${k} THEN ${i} ELSE 0 END`).join(", ")})`;
  const offset = (q.page - 1) * q.pageSize;
  const [rows, count] = await Promise.all([
    db().$queryRawUnsafe<Record<string, unknown>[]>(
      `WITH ${people}
       SELECT p.openid, p.campaign_id, cp.name AS campaign, p.t0 AS first_touch, uc.code,
              (SELECT min(l."externalId") FROM "IdentityLink" l WHERE l."personId" = p.openid AND l.system = 'HUBSPOT') AS contact_id,
              GREATEST${reached} AS furthest
         FROM people p
         LEFT JOIN "Campaign" cp ON cp.id = p.campaign_id
         LEFT JOIN "UserCode" uc ON uc.openid = p.openid
        WHERE ${conds.join(" AND ")}
        ORDER BY p.t0 DESC, p.openid LIMIT ${q.pageSize} OFFSET ${offset}`,
      ...params,
    ),
    db().$queryRawUnsafe<{ n: bigint }[]>(
      `WITH ${people} SELECT count(*) AS n FROM people WHERE ${conds.join(" AND ")}`,
      ...params,
    ),
  ]);
  return {
    total: Number(count[0]?.n ?? 0),
    page: q.page,
    pageSize: q.pageSize,
    people: rows.map((r) => ({
      openid: String(r.openid),
      campaign: (r.campaign as string | null) ?? null,
      firstTouch: r.first_touch instanceof Date ? r.first_touch.toISOString() : String(r.first_touch),
      code: (r.code as string | null) ?? null,
      contactId: (r.contact_id as string | null) ?? null,
      furthestStage: FUNNEL_STAGES[Number(r.furthest)]?.label ?? "",
    })),
  };
}
