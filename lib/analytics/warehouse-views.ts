import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { VIEW_COLUMNS, type TViewName, type TViewPage } from "@/lib/analytics/warehouse-columns";

/**
 * Server-side paging, sorting, filtering and CSV export of the three warehouse views. Column and
 * sort names come from the allow-lists below (never from the request), values are bound parameters.
 */

export { VIEW_NAMES, type TViewName } from "@/lib/analytics/warehouse-columns";

/**
 * Where the free-text filter looks: view rows whose `column` is the `key` of a `table` row with one
 * of `match` containing the text (ILIKE). Searching the base tables (trigram-indexed) and joining
 * only their matches keeps a rare match from costing a scan of the whole join.
 */
interface TSearchSource {
  column: string;
  table: string;
  key: string;
  match: readonly string[];
}

interface TViewSpec {
  columns: readonly string[];
  search: readonly TSearchSource[];
  /**
   * Unique row order, appended after the requested sort so pages never overlap; in the column
   * order of the indexes behind the default sort (migration 20261122223000), so a page is an index
   * walk that stops after its rows.
   */
  tiebreak: readonly string[];
  defaultSort: string;
  numeric: ReadonlySet<string>;
}

export const VIEW_SPECS: Record<TViewName, TViewSpec> = {
  contacts_to_users: {
    columns: VIEW_COLUMNS.contacts_to_users,
    // email, first_name, last_name, contact_id, user_id
    search: [
      {
        column: "contact_id",
        table: `"HubspotContact"`,
        key: "id",
        match: [`"firstName"`, `"lastName"`, "id"],
      },
      { column: "user_id", table: `"AppUser"`, key: `"userId"`, match: ["email", `"userId"`] },
    ],
    tiebreak: ["user_id", "contact_id"],
    defaultSort: "client_lifetime_spend",
    numeric: new Set(["client_lifetime_spend"]),
  },
  team_spending: {
    columns: VIEW_COLUMNS.team_spending,
    // company_name, team_name, company_id, team_id
    search: [
      { column: "company_id", table: `"HubspotCompany"`, key: "id", match: ["name", "id"] },
      { column: "team_id", table: `"Team"`, key: `"teamId"`, match: ["name", `"teamId"`] },
    ],
    tiebreak: ["company_id", "team_id", "currency"],
    defaultSort: "total_team_spend",
    numeric: new Set(["match_score", "total_team_spend"]),
  },
  company_deals: {
    columns: VIEW_COLUMNS.company_deals,
    // company_name, deal_id, company_id
    search: [
      { column: "deal_id", table: `"HubspotDeal"`, key: "id", match: ["id"] },
      { column: "company_id", table: `"HubspotCompany"`, key: "id", match: ["name", "id"] },
    ],
    tiebreak: ["deal_id", "company_id"],
    defaultSort: "amount",
    numeric: new Set(["amount"]),
  },
};

export const ZViewQuery = z.object({
  sort: z.string().optional(),
  dir: z.enum(["asc", "desc"]).default("desc"),
  q: z.string().trim().max(200).optional(),
  currency: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/)
    .transform((s) => s.toUpperCase())
    .optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type TViewQuery = z.input<typeof ZViewQuery>;

export type TViewRow = TViewPage["rows"][number];

/** The rows a query reads: `FROM <from> v <where>`, values as bound parameters. */
function source(
  view: TViewName,
  q: z.infer<typeof ZViewQuery>,
): { from: string; sql: string; params: unknown[] } {
  const params: unknown[] = [];
  let from = view as string;
  if (q.q) {
    params.push(`%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    from = `(${VIEW_SPECS[view].search
      .map(
        (s) =>
          `SELECT v.* FROM ${view} v WHERE v.${s.column} IN (SELECT ${s.key} FROM ${s.table} WHERE ${s.match
            .map((c) => `${c} ILIKE $1`)
            .join(" OR ")})`,
      )
      .join(" UNION ")})`;
  }
  const parts: string[] = [];
  if (q.currency) {
    params.push(q.currency);
    parts.push(`v.currency = $${params.length}`);
  }
  return { from, sql: parts.length ? `WHERE ${parts.join(" AND ")}` : "", params };
}

function orderBy(view: TViewName, q: z.infer<typeof ZViewQuery>): string {
  const spec = VIEW_SPECS[view];
  const sort = q.sort && spec.columns.includes(q.sort) ? q.sort : spec.defaultSort;
  const dir = q.dir === "asc" ? "ASC NULLS FIRST" : "DESC NULLS LAST";
  // `v.` names the view's column, not the select list's text rendering of it: numbers sort as
  // numbers, and the planner can walk the column's index.
  return `ORDER BY v.${sort} ${dir}, ${spec.tiebreak.map((c) => `v.${c} ASC`).join(", ")}`;
}

function selectList(view: TViewName): string {
  // numeric → text keeps every digit (JSON numbers would round large sums); dates → ISO text.
  return VIEW_SPECS[view].columns
    .map((c) => (VIEW_SPECS[view].numeric.has(c) || c === "close_date" ? `${c}::text AS ${c}` : c))
    .join(", ");
}

/**
 * Rows counted exactly up to this many; beyond it the total is PostgreSQL's estimate. An exact
 * count of 50,000 joined rows costs more than the page itself on every request; paging only needs
 * to know the order of magnitude.
 */
export const EXACT_COUNT_CAP = 2_000;

async function countRows(w: {
  from: string;
  sql: string;
  params: unknown[];
}): Promise<{ total: number; estimated: boolean }> {
  const capped = await db().$queryRawUnsafe<{ n: bigint }[]>(
    `SELECT count(*) AS n FROM (SELECT 1 FROM ${w.from} v ${w.sql} LIMIT ${EXACT_COUNT_CAP + 1}) x`,
    ...w.params,
  );
  const n = Number(capped[0]?.n ?? 0);
  if (n <= EXACT_COUNT_CAP) return { total: n, estimated: false };
  const plan = await db().$queryRawUnsafe<{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }[]>(
    `EXPLAIN (FORMAT JSON) SELECT 1 FROM ${w.from} v ${w.sql}`,
    ...w.params,
  );
  const estimate = Math.round(plan[0]?.["QUERY PLAN"][0]?.Plan["Plan Rows"] ?? 0);
  return { total: Math.max(estimate, n), estimated: true };
}

export async function queryView(view: TViewName, input: TViewQuery): Promise<TViewPage> {
  const q = ZViewQuery.parse(input);
  const w = source(view, q);
  const offset = (q.page - 1) * q.pageSize;
  const [rows, count] = await Promise.all([
    db().$queryRawUnsafe<TViewRow[]>(
      `SELECT ${selectList(view)} FROM ${w.from} v ${w.sql} ${orderBy(view, q)} LIMIT ${q.pageSize} OFFSET ${offset}`,
      ...w.params,
    ),
    countRows(w),
  ]);
  const spec = VIEW_SPECS[view];
  return {
    rows,
    total: count.total,
    totalIsEstimate: count.estimated,
    page: q.page,
    pageSize: q.pageSize,
    sort: q.sort && spec.columns.includes(q.sort) ? q.sort : spec.defaultSort,
    dir: q.dir,
  };
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  // Views hold text, numbers, bigints, Decimals (toString gives the exact digits) and dates.
  const s = v instanceof Date ? v.toISOString() : (v as { toString(): string }).toString();
  // Quote when needed; a leading = + - @ is neutralised so spreadsheets do not run it as a formula.
  const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The filtered view as CSV, streamed in chunks so a 100,000-row export never sits in memory whole. */
export function exportViewCsv(view: TViewName, input: TViewQuery): ReadableStream<Uint8Array> {
  const q = ZViewQuery.parse({ ...input, page: 1, pageSize: 200 });
  const w = source(view, q);
  const columns = VIEW_SPECS[view].columns;
  const encoder = new TextEncoder();
  const chunk = 5_000;
  let offset = 0;
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(`${columns.join(",")}\n`));
        return;
      }
      const rows = await db().$queryRawUnsafe<TViewRow[]>(
        `SELECT ${selectList(view)} FROM ${w.from} v ${w.sql} ${orderBy(view, q)} LIMIT ${chunk} OFFSET ${offset}`,
        ...w.params,
      );
      offset += rows.length;
      if (rows.length > 0) {
        controller.enqueue(
          encoder.encode(rows.map((r) => columns.map((c) => csvCell(r[c])).join(",")).join("\n") + "\n"),
        );
      }
      if (rows.length < chunk) controller.close();
    },
  });
}
