import "server-only";
import { z } from "zod";
import { readSetting, writeSetting } from "@/lib/settings/app-settings";
import { matchContactCode, searchContactsWithCode } from "@/lib/identity/hubspot-source";
import { isLinkedOutcome } from "@/lib/identity/match";

/**
 * Backstops for the webhook path: the HubSpot catch-up (contacts with a code modified recently)
 * and the nightly rescan (contacts with a code and no OpenID). Both page by contact id and are
 * idempotent — a code already decided is not decided again (CodeSubmission is unique).
 */

export interface TScanPage {
  nextAfterId: string | null;
  seen: number;
  linked: number;
  review: number;
}

export async function scanHubspotPage(opts: {
  modifiedSinceMs?: number;
  unmatchedOnly?: boolean;
  afterId: string | null;
}): Promise<TScanPage> {
  const page = await searchContactsWithCode(opts);
  let linked = 0;
  let review = 0;
  for (const contact of page.contacts) {
    const r = await matchContactCode(contact);
    if (!r || r.match.repeated) continue;
    if (isLinkedOutcome(r.match.outcome)) linked++;
    if (r.match.outcome === "REVIEW") review++;
  }
  return { nextAfterId: page.nextAfterId, seen: page.contacts.length, linked, review };
}

export const CATCH_UP_CURSOR_KEY = "identity.hubspot.catchup";
const ZCatchUpCursor = z.object({ sinceMs: z.number().int().nullable() });

/** Each catch-up looks back over this much before its own start: search indexes lag, runs overlap. */
export const CATCH_UP_OVERLAP_MS = 15 * 60_000;
/** The first catch-up ever looks back one hour. */
const FIRST_LOOKBACK_MS = 60 * 60_000;

export async function readCatchUpSince(nowMs: number): Promise<number> {
  const c = await readSetting(CATCH_UP_CURSOR_KEY, ZCatchUpCursor, { sinceMs: null });
  return c.sinceMs ?? nowMs - FIRST_LOOKBACK_MS;
}

export async function saveCatchUpSince(sinceMs: number): Promise<void> {
  await writeSetting(CATCH_UP_CURSOR_KEY, { sinceMs }, null);
}

/** The hour (0–23) on the wall clock of `timeZone` at `at`. */
export function localHour(at: Date, timeZone: string): number {
  const hour = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", hourCycle: "h23" }).format(at);
  return Number(hour);
}
