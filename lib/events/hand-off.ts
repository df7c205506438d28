import "server-only";
import { inngest } from "@/inngest/client";
import { outboxInngestEventIdFor } from "@/inngest/events";
import type { TInngestEvent, TSendEvents } from "@/lib/inbox/hand-off";
import { log } from "@/lib/logger";

export const OUTBOX_EVENT_NAME = "revbridge/outbox.event.accepted";
export const OUTBOX_BATCH_EVENT_NAME = "revbridge/outbox.batch.accepted";

export const sendWithInngest: TSendEvents = (events) => inngest.send(events);

/** Inside the API request the hand-off is best effort; past this the drain cron takes over. */
const HANDOFF_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref(),
    ),
  ]);
}

/** One `outbox.event.accepted` per row, with the row's stable event id (Inngest deduplicates re-sends). */
export function rowEvents(outboxEventIds: string[]): TInngestEvent[] {
  return outboxEventIds.map((id) => ({
    id: outboxInngestEventIdFor(id),
    name: OUTBOX_EVENT_NAME,
    data: { outboxEventId: id },
  }));
}

/**
 * Tells Inngest about the rows one request committed, as ONE event (the fan-out function sends the
 * per-row events): a batch of 100 costs the request one small send instead of 100. Never throws:
 * the rows are already safe in PostgreSQL, and a row still PENDING a minute later is re-sent by the
 * `outbox-drain` cron with its per-row event id (so Inngest runs it once).
 */
export async function handOffOutbox(
  outboxEventIds: string[],
  send: TSendEvents = sendWithInngest,
): Promise<boolean> {
  if (outboxEventIds.length === 0) return true;
  try {
    await withTimeout(
      send([
        {
          // The first row id is unique to this request's insert, so a retried send is deduplicated.
          id: `outbox-batch:${outboxEventIds[0]}`,
          name: OUTBOX_BATCH_EVENT_NAME,
          data: { outboxEventIds },
        },
      ]),
      HANDOFF_TIMEOUT_MS,
    );
    return true;
  } catch (error) {
    log.warn("events.handoff.deferred", { rows: outboxEventIds.length, error });
    return false;
  }
}
