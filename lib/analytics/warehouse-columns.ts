/**
 * The warehouse views' names and columns, shared by the server (allow-lists for sorting, filtering and
 * export) and the console (table headers). No server imports: the browser bundle reads it too.
 */
export const VIEW_COLUMNS = {
  contacts_to_users: [
    "contact_id",
    "first_name",
    "last_name",
    "user_id",
    "email",
    "client_lifetime_spend",
    "currency",
  ],
  team_spending: [
    "company_id",
    "company_name",
    "team_id",
    "team_name",
    "match_score",
    "total_team_spend",
    "currency",
    "match_source",
  ],
  company_deals: ["deal_id", "amount", "close_date", "company_id", "company_name", "currency"],
} as const;

export type TViewName = keyof typeof VIEW_COLUMNS;
export const VIEW_NAMES = Object.keys(VIEW_COLUMNS) as TViewName[];

/** One page of a view as the API answers it. */
export interface TViewPage {
  rows: Record<string, string | number | null>[];
  /** Exact up to the server's count cap; beyond it PostgreSQL's estimate (`totalIsEstimate`). */
  total: number;
  totalIsEstimate: boolean;
  page: number;
  pageSize: number;
  sort: string;
  dir: string;
}
