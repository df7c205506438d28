import "server-only";
import { z } from "zod";
import { inngest } from "@/inngest/client";
import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import { log } from "@/lib/logger";
import { mappingWhere, ZMappingFilter } from "@/lib/sync-console/mappings";

/** Which side's truth to push to the other: the engine re-reads the record on `system` and writes across. */
export const ZResyncSystem = z.enum(["HUBSPOT", "STRIPE"]);

export const ZResyncRecord = z.object({ system: ZResyncSystem, objectId: z.string().trim().min(1).max(100) });
export const ZResyncFiltered = z.object({ system: ZResyncSystem, filter: ZMappingFilter });

export interface TResyncEvent {
  id: string;
  name: "revbridge/sync.resync.requested";
  data: { system: "HUBSPOT" | "STRIPE"; objectId: string; requestedById: string };
}
export type TSendResync = (events: TResyncEvent[]) => Promise<unknown>;
const sendWithInngest: TSendResync = (events) => inngest.send(events);

/** Most records one "Resync filtered" press sends; the answer says how many matched. */
export const RESYNC_FILTERED_LIMIT = 1000;

/**
 * Event id per record and 10-second window: a double click (or two operators pressing together)
 * sends one resync, while a deliberate press a little later sends again.
 */
function resyncEventId(system: string, objectId: string, now: Date): string {
  return `resync:${system}:${objectId}:${Math.floor(now.getTime() / 10_000)}`;
}

function toEvent(system: "HUBSPOT" | "STRIPE", objectId: string, actorId: string, now: Date): TResyncEvent {
  return {
    id: resyncEventId(system, objectId, now),
    name: "revbridge/sync.resync.requested",
    data: { system, objectId, requestedById: actorId },
  };
}

export async function requestResync(
  input: z.infer<typeof ZResyncRecord>,
  actorId: string,
  opts: { send?: TSendResync; now?: Date } = {},
): Promise<{ eventId: string }> {
  const event = toEvent(input.system, input.objectId, actorId, opts.now ?? new Date());
  await (opts.send ?? sendWithInngest)([event]);
  await recordAudit({
    actorId,
    action: "sync.resync",
    target: `${input.system}:${input.objectId}`,
    details: { eventId: event.id },
  });
  log.info("sync.resync.requested", { system: input.system, objectId: input.objectId, actorId });
  return { eventId: event.id };
}

/** Resyncs every mapped pair matching the Mappings filter, from the chosen side. */
export async function requestResyncFiltered(
  input: z.infer<typeof ZResyncFiltered>,
  actorId: string,
  opts: { send?: TSendResync; now?: Date } = {},
): Promise<{ requested: number; matched: number }> {
  const where = mappingWhere(input.filter);
  const [rows, matched] = await Promise.all([
    db().contactCustomerMap.findMany({
      where,
      select: { hubspotContactId: true, stripeCustomerId: true },
      orderBy: { updatedAt: "desc" },
      take: RESYNC_FILTERED_LIMIT,
    }),
    db().contactCustomerMap.count({ where }),
  ]);
  const now = opts.now ?? new Date();
  const events = rows.map((r) =>
    toEvent(input.system, input.system === "HUBSPOT" ? r.hubspotContactId : r.stripeCustomerId, actorId, now),
  );
  const send = opts.send ?? sendWithInngest;
  // Inngest accepts arrays; chunks keep each request small.
  for (let i = 0; i < events.length; i += 200) await send(events.slice(i, i + 200));
  await recordAudit({
    actorId,
    action: "sync.resync_filtered",
    target: `ContactCustomerMap:${input.system}`,
    details: { filter: { ...input.filter }, requested: events.length, matched },
  });
  log.info("sync.resync.filtered", { system: input.system, requested: events.length, matched, actorId });
  return { requested: events.length, matched };
}
