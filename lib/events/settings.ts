import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { TStaff } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { DEFAULT_EVENT_MAPPING, ZEventMapping, type TEventMapping } from "@/lib/events/mapping";
import { readSetting, writeSetting } from "@/lib/settings/app-settings";

/**
 * The lifecycle events' two console settings (AppSetting rows, per environment because each
 * environment has its own database):
 * - `events.mode`: `disabled` (the API answers 503, nothing is stored), `dry_run` (default: accept,
 *   validate against the portal and record what would be sent, send nothing), `live`. ADMIN only.
 * - `events.mapping`: see lib/events/mapping.ts. ADMIN or OPERATOR (RevOps owns the CRM fields).
 */

export const ZEventsMode = z.enum(["disabled", "dry_run", "live"]);
export type TEventsMode = z.infer<typeof ZEventsMode>;
export const MODE_KEY = "events.mode";
export const MAPPING_KEY = "events.mapping";
export const DEFAULT_EVENTS_MODE: TEventsMode = "dry_run";

// The mode is read on every API request; a short cache keeps that off the database at 1,000+ events/s
// while an ADMIN's switch still applies within two seconds (and at once in the process that saved it).
const MODE_CACHE_MS = 2000;
let modeCache: { value: TEventsMode; at: number } | undefined;

export async function readEventsMode(options: { fresh?: boolean } = {}): Promise<TEventsMode> {
  if (!options.fresh && modeCache && Date.now() - modeCache.at < MODE_CACHE_MS) return modeCache.value;
  const value = await readSetting(MODE_KEY, ZEventsMode, DEFAULT_EVENTS_MODE);
  modeCache = { value, at: Date.now() };
  return value;
}

export async function setEventsMode(actor: TStaff, mode: TEventsMode): Promise<TEventsMode> {
  await db().$transaction(async (tx) => {
    const previous = await writeSetting(MODE_KEY, mode, actor.id, tx);
    await recordAudit(
      {
        actorId: actor.id,
        action: "events.mode.update",
        target: MODE_KEY,
        details: { from: (previous as string) ?? DEFAULT_EVENTS_MODE, to: mode },
      },
      tx,
    );
  });
  modeCache = { value: mode, at: Date.now() };
  return mode;
}

export async function readEventMapping(): Promise<{ mapping: TEventMapping; isDefault: boolean }> {
  const row = await db().appSetting.findUnique({ where: { key: MAPPING_KEY } });
  const parsed = row ? ZEventMapping.safeParse(row.value) : undefined;
  return parsed?.success
    ? { mapping: parsed.data, isDefault: false }
    : { mapping: DEFAULT_EVENT_MAPPING, isDefault: true };
}

export async function setEventMapping(actor: TStaff, mapping: TEventMapping): Promise<TEventMapping> {
  const value = ZEventMapping.parse(mapping);
  await db().$transaction(async (tx) => {
    await writeSetting(MAPPING_KEY, value, actor.id, tx);
    await recordAudit(
      {
        actorId: actor.id,
        action: "events.mapping.update",
        target: MAPPING_KEY,
        // The mapping holds no personal data; its shape is small enough to keep whole for the record.
        details: { types: Object.keys(value.types), externalIdProperty: value.externalIdProperty },
      },
      tx,
    );
  });
  return value;
}

/** Forgets the cached mode (tests switch modes between cases). */
export function resetEventsModeCacheForTests(): void {
  modeCache = undefined;
}
