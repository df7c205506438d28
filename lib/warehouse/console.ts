import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { db, type Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { assertStorableText, readBodyBytes } from "@/lib/api/body";
import { writeSetting } from "@/lib/settings/app-settings";
import { BUSINESS_KINDS, refuseIfNothingImported, type TBusinessKind } from "@/lib/warehouse/business-rows";
import { importBusinessRows, parseBusinessCsv } from "@/lib/warehouse/business-import";
import { listIngestRuns } from "@/lib/warehouse/ingest-run";
import {
  readTeamMatchThreshold,
  readWarehouseSettings,
  TEAM_MATCH_THRESHOLD_KEY,
  WAREHOUSE_SETTINGS_KEY,
  ZIngestSchedule,
  ZTeamMatchThreshold,
} from "@/lib/warehouse/settings";

/** What the Warehouse page's console actions do (the route handlers stay thin). */

export const CSV_UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

export function parseBusinessKind(raw: unknown): TBusinessKind {
  const kind = String(raw);
  if (!(BUSINESS_KINDS as readonly string[]).includes(kind)) {
    throw new AppError("not_found", `Unknown business table "${kind}": use users, teams or memberships.`);
  }
  return kind as TBusinessKind;
}

/** A CSV body (text/csv or plain text), up to 10 MiB. */
export async function readCsvBody(request: Request): Promise<Record<string, string>[]> {
  const bytes = await readBodyBytes(request, CSV_UPLOAD_LIMIT_BYTES);
  const text = new TextDecoder().decode(bytes);
  if (!text.trim()) throw new AppError("bad_request", "The file is empty.");
  const rows = parseBusinessCsv(text);
  assertStorableText(rows);
  return rows;
}

export async function uploadBusinessCsv(kind: TBusinessKind, request: Request, actorId: string) {
  const rows = await readCsvBody(request);
  const result = await importBusinessRows(kind, rows);
  refuseIfNothingImported(result);
  await recordAudit({
    actorId,
    action: `warehouse.business.${kind}.upload`,
    details: { received: result.received, imported: result.imported, errors: result.errors.length },
  });
  return result;
}

export async function warehouseStatus() {
  const [runs, settings, teamMatchThreshold] = await Promise.all([
    listIngestRuns(10),
    readWarehouseSettings(),
    readTeamMatchThreshold(),
  ]);
  return { runs, settings: { ...settings, teamMatchThreshold } };
}

export const ZWarehouseSettingsUpdate = z.object({
  schedule: ZIngestSchedule,
  teamMatchThreshold: ZTeamMatchThreshold,
  portalCurrency: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/, "must be a 3-letter currency code"),
});

export async function saveWarehouseSettings(
  input: z.infer<typeof ZWarehouseSettingsUpdate>,
  actorId: string,
) {
  const current = await readWarehouseSettings();
  await db().$transaction(async (tx) => {
    const before = await writeSetting(
      WAREHOUSE_SETTINGS_KEY,
      { ...current, schedule: input.schedule, portalCurrency: input.portalCurrency.toUpperCase() },
      actorId,
      tx,
    );
    const beforeThreshold = await writeSetting(
      TEAM_MATCH_THRESHOLD_KEY,
      input.teamMatchThreshold,
      actorId,
      tx,
    );
    await recordAudit(
      {
        actorId,
        action: "warehouse.settings.update",
        details: { before, beforeThreshold, after: input } as Prisma.InputJsonValue,
      },
      tx,
    );
  });
  return warehouseStatus();
}

export const ZOverride = z.object({
  companyId: z.string().trim().min(1).max(100),
  teamId: z.string().trim().min(1).max(100),
  /** true = these belong together; false = never match them; null = remove the override. */
  matched: z.boolean().nullable(),
});

export async function saveTeamOverride(input: z.infer<typeof ZOverride>, actorId: string) {
  const key = { companyId: input.companyId, teamId: input.teamId };
  await db().$transaction(async (tx) => {
    if (input.matched === null) await tx.teamMatchOverride.deleteMany({ where: key });
    else {
      await tx.teamMatchOverride.upsert({
        where: { companyId_teamId: key },
        create: { ...key, matched: input.matched },
        update: { matched: input.matched },
      });
    }
    await recordAudit(
      {
        actorId,
        action: "warehouse.team_override.set",
        target: `${input.companyId}:${input.teamId}`,
        details: { matched: input.matched },
      },
      tx,
    );
  });
  return { ok: true };
}
