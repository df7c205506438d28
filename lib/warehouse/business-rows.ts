import { z } from "zod";
import { AppError } from "@/lib/errors";

/**
 * The business tables' row shapes (users, teams, memberships) and their validation. Pure: the CSV
 * upload and the API both come here, then business-import.ts writes what passed.
 */

export const BUSINESS_KINDS = ["users", "teams", "memberships"] as const;
export type TBusinessKind = (typeof BUSINESS_KINDS)[number];

const ZId = z
  .string({ error: "is required" })
  .trim()
  .min(1, "is required")
  .max(100, "must be at most 100 characters");

const ZBlankToUndefined = z.preprocess((v) => (v === "" || v === null ? undefined : v), z.unknown());

const ZAmount = z.preprocess(
  (v) => (v === "" || v === null || v === undefined ? undefined : typeof v === "number" ? String(v) : v),
  z
    .string()
    .trim()
    .transform((s) => s.replace(/,/g, ""))
    .refine((s) => /^\d{1,16}(\.\d{1,2})?$/.test(s), "must be a non-negative amount with at most 2 decimals")
    .optional(),
);

const ZCurrency = z.preprocess(
  (v) => (v === "" || v === null ? undefined : v),
  z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/, "must be a 3-letter currency code such as CNY or USD")
    .transform((s) => s.toUpperCase())
    .optional(),
);

export const ZUserRow = z
  .object({
    user_id: ZId,
    name: ZBlankToUndefined.pipe(z.string().trim().max(200, "must be at most 200 characters").optional()),
    // Trimmed before the check: a quoted CSV cell keeps its spaces, and "  ann@x.com " is still Ann.
    email: z.preprocess(
      (v) => (typeof v === "string" ? v.trim() || undefined : (v ?? undefined)),
      z.email("must be an email address").max(320).optional(),
    ),
    lifetime_spend: ZAmount,
    currency: ZCurrency,
  })
  .refine((r) => r.lifetime_spend === undefined || r.currency !== undefined, {
    path: ["currency"],
    message: "is required when lifetime_spend is given (sums never mix currencies)",
  });
export type TUserRow = z.infer<typeof ZUserRow>;

export const ZTeamRow = z.object({
  team_id: ZId,
  name: z.string({ error: "is required" }).trim().min(1, "is required").max(200),
});
export type TTeamRow = z.infer<typeof ZTeamRow>;

export const ZMembershipRow = z.object({ team_id: ZId, user_id: ZId });
export type TMembershipRow = z.infer<typeof ZMembershipRow>;

export const ROW_SCHEMAS = { users: ZUserRow, teams: ZTeamRow, memberships: ZMembershipRow } as const;

/** Column aliases accepted in CSV headers and JSON keys (`User ID`, `userId` → `user_id`). */
const ALIASES: Record<string, string> = {
  userid: "user_id",
  teamid: "team_id",
  lifetimespend: "lifetime_spend",
  spend: "lifetime_spend",
  teamname: "name",
  username: "name",
};

export function normaliseKey(key: string): string {
  const k = key
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  return ALIASES[k.replace(/_/g, "")] ?? k;
}

export function normaliseRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[normaliseKey(k)] = v;
  return out;
}

export interface TRowError {
  /** 1-based position among the data rows (a CSV's header line is not counted). */
  row: number;
  field?: string;
  message: string;
}

/**
 * An upload in which no row could be imported is bad input as a whole: a 400 naming the first problems,
 * thrown before the caller records anything (an audit line for a file that changed nothing was the
 * only write a fully refused file made).
 */
export function refuseIfNothingImported(result: {
  received: number;
  imported: number;
  errors: TRowError[];
}): void {
  if (result.imported > 0) return;
  if (result.received === 0) {
    throw new AppError("bad_request", "The file has no data rows: add rows under the header line.");
  }
  const details = Object.fromEntries(
    result.errors.slice(0, 20).map((e) => [`row ${e.row}${e.field ? ` ${e.field}` : ""}`, e.message]),
  );
  throw new AppError(
    "bad_request",
    `None of the ${result.received} rows could be imported; fix them and upload the file again.`,
    details,
  );
}

/** The identity of a row, for spotting the same record twice in one upload. */
export function rowKey(kind: TBusinessKind, row: Record<string, unknown>): string {
  if (kind === "memberships") return `${String(row.team_id)}\u0000${String(row.user_id)}`;
  return String(kind === "users" ? row.user_id : row.team_id);
}

/** Validates every row; the first occurrence of a key wins and later duplicates are reported. */
export function validateRows<K extends TBusinessKind>(
  kind: K,
  rows: Record<string, unknown>[],
): { good: { row: number; value: z.infer<(typeof ROW_SCHEMAS)[K]> }[]; errors: TRowError[] } {
  const schema = ROW_SCHEMAS[kind];
  const good: { row: number; value: z.infer<(typeof ROW_SCHEMAS)[K]> }[] = [];
  const errors: TRowError[] = [];
  const seen = new Map<string, number>();
  rows.forEach((raw, i) => {
    const row = i + 1;
    const parsed = schema.safeParse(normaliseRow(raw));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({ row, field: issue.path.join(".") || undefined, message: issue.message });
      }
      return;
    }
    const key = rowKey(kind, parsed.data);
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ row, message: `duplicate of row ${first} in this upload` });
      return;
    }
    seen.set(key, row);
    good.push({ row, value: parsed.data as z.infer<(typeof ROW_SCHEMAS)[K]> });
  });
  return { good, errors };
}
