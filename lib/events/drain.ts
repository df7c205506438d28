import "server-only";
import { db } from "@/lib/db";
import { rowEvents, sendWithInngest } from "@/lib/events/hand-off";
import type { TSendEvents } from "@/lib/inbox/hand-off";
import { log } from "@/lib/logger";

/** Rows younger than this are still in their request's own hand-off or first run. */
export const DRAIN_GRACE_MS = 60_000;
const MAX_ROWS = 2000;
const BATCH = 200;

/**
 * The backstop: re-sends to Inngest every outbox row still PENDING after the grace period (the
 * request's hand-off failed, or the process died between commit and send). The event id is the
 * same as the first send, so a row Inngest already has is not run twice. FAILED rows are being
 * retried by their run and are left alone.
 */
export async function drainOutbox(
  send: TSendEvents = sendWithInngest,
  now = new Date(),
): Promise<{ found: number; sent: number }> {
  const rows = await db().outboxEvent.findMany({
    where: { status: "PENDING", receivedAt: { lt: new Date(now.getTime() - DRAIN_GRACE_MS) } },
    orderBy: { receivedAt: "asc" },
    take: MAX_ROWS,
    select: { id: true },
  });
  let sent = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const ids = rows.slice(i, i + BATCH).map((r) => r.id);
    try {
      await send(rowEvents(ids));
      sent += ids.length;
    } catch (error) {
      log.warn("events.drain.batch_failed", { rows: ids.length, error });
    }
  }
  return { found: rows.length, sent };
}
