import "server-only";
import { z } from "zod";
import { inngest } from "@/inngest/client";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/logger";
import { isResumable, readBackfill, type TBackfillProgress } from "@/lib/sync/backfill";

/**
 * The console's side of the initial sync: start (or resume) the engine's resumable backfill
 * (inngest/functions/sync-backfill.ts) and read its progress, which the engine keeps in AppSetting
 * `sync.backfill` after every page.
 */

export const ZBackfillRequest = z.object({
  direction: z.enum(["hubspot_to_stripe", "stripe_to_hubspot", "both"]),
  /** HubSpot lifecycle stages to include (internal values such as `customer`); empty = every contact. */
  lifecycleStages: z
    .array(
      z
        .string()
        .trim()
        .min(1)
        .max(60)
        .regex(/^[a-z0-9_-]+$/i, "lifecycle stage values are letters, digits, - and _ (e.g. customer)"),
    )
    .max(20)
    .default([]),
  /** Start over from the first page instead of resuming the saved cursor. */
  restart: z.boolean().default(false),
});
export type TBackfillRequest = z.infer<typeof ZBackfillRequest>;

export interface TBackfillEvent {
  id: string;
  name: "revbridge/sync.backfill.requested";
  data: {
    direction: TBackfillRequest["direction"];
    lifecycleStages: string[];
    restart: boolean;
    requestedById: string;
  };
}
export type TSendBackfill = (events: TBackfillEvent[]) => Promise<unknown>;
const sendWithInngest: TSendBackfill = (events) => inngest.send(events);

/** A running backfill not updated for this long is treated as stalled, so it may be started again. */
export const STALLED_AFTER_MS = 5 * 60_000;

export function isRunning(p: TBackfillProgress, now: Date): boolean {
  if (p.status !== "running") return false;
  const touched = Date.parse(p.updatedAt ?? p.startedAt ?? "");
  return Number.isFinite(touched) && now.getTime() - touched < STALLED_AFTER_MS;
}

export const getBackfillProgress = readBackfill;

/**
 * Sends the backfill request (OPERATOR, audited). While a run is live any request is refused (409):
 * a second chain over the same cursor would only repeat pages. A stalled or failed run with the same
 * settings resumes from its saved cursor (the engine decides that); `restart` starts from page one.
 * The event id is per saved state and 10-second window, so a double click sends once.
 */
export async function requestBackfill(
  input: TBackfillRequest,
  actorId: string,
  opts: { send?: TSendBackfill; now?: Date } = {},
): Promise<{ eventId: string; resumed: boolean }> {
  const now = opts.now ?? new Date();
  const current = await readBackfill();
  if (isRunning(current, now)) {
    throw new AppError(
      "conflict",
      `A backfill (${current.direction.replaceAll("_", " ")}) is running; wait for it to finish or stall before starting another.`,
    );
  }
  const same =
    current.direction === input.direction && current.lifecycleStages.join() === input.lifecycleStages.join();
  const event: TBackfillEvent = {
    // The saved run's id and status are part of it: a press after the run failed (or finished) is a new
    // request even inside the double-click window, while a double click on the same state is one.
    id: `backfill:${input.direction}:${input.lifecycleStages.join(",")}:${input.restart ? "restart" : "resume"}:${current.runId || "none"}:${current.status}:${Math.floor(now.getTime() / 10_000)}`,
    name: "revbridge/sync.backfill.requested",
    data: { ...input, requestedById: actorId },
  };
  await (opts.send ?? sendWithInngest)([event]);
  const resumed = !input.restart && isResumable(current) && same;
  await recordAudit({
    actorId,
    action: "sync.backfill",
    target: "sync:backfill",
    details: { ...input, eventId: event.id, resumed },
  });
  log.info("sync.backfill.requested", { direction: input.direction, restart: input.restart, actorId });
  return { eventId: event.id, resumed };
}
