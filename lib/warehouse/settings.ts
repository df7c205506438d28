import "server-only";
import { z } from "zod";
import { readSetting } from "@/lib/settings/app-settings";

/**
 * Warehouse settings (AppSetting `warehouse.ingest`), editable in the console. The team-match
 * threshold has its own key (`warehouse.teamMatchThreshold`, a bare JSON number) because the SQL
 * function `warehouse_team_match_threshold()` behind the team_spending view reads it directly.
 */
export const ZIngestSchedule = z.enum(["off", "every5m", "hourly", "daily"]);
export type TIngestSchedule = z.infer<typeof ZIngestSchedule>;

export const SCHEDULE_INTERVAL_MS: Record<TIngestSchedule, number | null> = {
  off: null,
  every5m: 5 * 60_000,
  hourly: 60 * 60_000,
  daily: 24 * 60 * 60_000,
};

export const ZWarehouseSettings = z.object({
  schedule: ZIngestSchedule.default("hourly"),
  /**
   * Incremental runs start this many seconds before the previous cursor: HubSpot's search index
   * lags writes by a few seconds, and re-reading a record is harmless (upserts are idempotent).
   */
  overlapSeconds: z.number().int().min(0).max(3600).default(60),
  /** The HubSpot account's company currency: deals without deal_currency_code are in it. */
  portalCurrency: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/, "must be a 3-letter currency code")
    .transform((s) => s.toUpperCase())
    .default("USD"),
});
export type TWarehouseSettings = z.infer<typeof ZWarehouseSettings>;

export const WAREHOUSE_SETTINGS_KEY = "warehouse.ingest";
export const TEAM_MATCH_THRESHOLD_KEY = "warehouse.teamMatchThreshold";
export const DEFAULT_TEAM_MATCH_THRESHOLD = 0.45;
/** Lower bound: the candidate list behind team_spending keeps scores ≥ 0.1 only (see the migration). */
export const ZTeamMatchThreshold = z.number().min(0.1).max(1);

export const DEFAULT_WAREHOUSE_SETTINGS: TWarehouseSettings = ZWarehouseSettings.parse({});

export async function readWarehouseSettings(): Promise<TWarehouseSettings> {
  return readSetting(WAREHOUSE_SETTINGS_KEY, ZWarehouseSettings, DEFAULT_WAREHOUSE_SETTINGS);
}

export async function readTeamMatchThreshold(): Promise<number> {
  return readSetting(TEAM_MATCH_THRESHOLD_KEY, ZTeamMatchThreshold, DEFAULT_TEAM_MATCH_THRESHOLD);
}
