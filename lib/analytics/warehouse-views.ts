import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { VIEW_COLUMNS, type TViewName } from "@/lib/analytics/warehouse-columns";

/**
 * Server-side paging, sorting, filtering and CSV export of the three warehouse views. Column and
 * sort names come from the allow-lists below (never from the request), values are bound parameters.
 */

export { VIEW_NAMES, type TViewName } from "@/lib/analytics/warehouse-columns";

interface TViewSpec {
  columns: readonly string[];
  /** Columns the free-text filter searches (ILIKE). */
  searchable: readonly string[];
  /** Unique row order, appended after the requested sort so pages never overlap. */
  tiebreak: readonly string[];
  defaultSort: string;
  numeric: ReadonlySet<string>;
}

export const VIEW_SPECS: Record<TViewName, TViewSpec> = {
  contacts_to_users: {
    columns: VIEW_COLUMNS.contacts_to_users,
    searchable: ["email", "first_name", "last_name", "contact_id", "user_id"],
    tiebreak: ["contact_id", "user_id"],
    defaultSort: "client_lifetime_spend",
    numeric: new Set(["client_lifetime_spend"]),
  },
  team_spending: {
    columns: VIEW_COLUMNS.team_spending,
    searchable: ["company_name", "team_name", "company_id", "team_id"],
    tiebreak: ["company_id", "team_id", "currency"],
    defaultSort: "total_team_spend",
    numeric: new Set(["match_score", "total_team_spend"]),
  },
  company_deals: {
    columns: VIEW_COLUMNS.company_deals,
    searchable: ["company_name", "deal_id", "company_id"],
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

export type TViewRow = Record<string, string | number | null>;

function where(view: TViewName, q: z.infer<typeof ZViewQuery>): { sql: string; params: unknown[] } {
  const spec = VIEW_SPECS[view];
  const parts: string[] = [];
  const params: unknown[] = [];
  if (q.q) {
    params.push(`%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    parts.push(`(${spec.searchable.map((c) => `${c}::text ILIKE $${params.length}`).join(" OR ")})`);
  }
  if (q.currency) {
    params.push(q.currency);
    parts.push(`currency = $${params.length}`);
  }
  return { sql: parts.length ? `WHERE ${parts.join(" AND ")}` : "", params };
}

function orderBy(view: TViewName, q: z.infer<typeof ZViewQuery>): string {
  const spec = VIEW_SPECS[view];
  const sort = q.sort && spec.columns.includes(q.sort) ? q.sort : spec.defaultSort;
  const dir = q.dir === "asc" ? "ASC NULLS FIRST" : "DESC NULLS LAST";
  return `ORDER BY ${sort} ${dir}, ${spec.tiebreak.map((c) => `${c} ASC`).join(", ")}`;
}

function selectList(view: TViewName): string {
  // numeric → text keeps every digit (JSON numbers would round large sums); dates → ISO text.
  return VIEW_SPECS[view].columns
    .map((c) => (VIEW_SPECS[view].numeric.has(c) || c === "close_date" ? `${c}::text AS ${c}` : c))
    .join(", ");
}

export async function queryView(
  view: TViewName,
  input: TViewQuery,
): Promise<{ rows: TViewRow[]; total: number; page: number; pageSize: number; sort: string; dir: string }> {
  const q = ZViewQuery.parse(input);
  const w = where(view, q);
  const offset = (q.page - 1) * q.pageSize;
  const [rows, count] = await Promise.all([
    db().$queryRawUnsafe<TViewRow[]>(
      `SELECT ${selectList(view)} FROM ${view} ${w.sql} ${orderBy(view, q)} LIMIT ${q.pageSize} OFFSET ${offset}`,
      ...w.params,
    ),
    db().$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM ${view} ${w.sql}`, ...w.params),
  ]);
  const spec = VIEW_SPECS[view];
  return {
    rows,
    total: Number(count[0]?.n ?? 0),
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
  const w = where(view, q);
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
        `SELECT ${selectList(view)} FROM ${view} ${w.sql} ${orderBy(view, q)} LIMIT ${chunk} OFFSET ${offset}`,
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
