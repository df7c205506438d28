import "server-only";
import { db } from "@/lib/db";
import { log } from "@/lib/logger";
import { toWebhookEvent, type TSendEvents } from "@/lib/inbox/hand-off";

/**
 * A row handed to Inngest but still not dispatched after this long was lost on the way (an executor
 * that dropped or never scheduled the run, a dispatcher run stuck in a long backoff). Longer than a
 * healthy dispatch under burst (seconds) and than the dispatcher's first retries.
 */
export const REDRIVE_AFTER_MS = 5 * 60_000;
/** After this many hand-off attempts a row stays HANDED_OFF for a person to look at (Sync page backlog). */
export const MAX_HANDOFF_ATTEMPTS = 5;

export interface TRedriveResult {
  found: number;
  resent: number;
}

/**
 * Re-sends inbox rows that were handed off but never processed. Each re-send gets a new event id
 * (`…:redrive:<n>`), because Inngest drops a repeated id for 24 h; the dispatcher loads only rows still
 * pending, so a re-send that races a late original run does nothing twice. The attempt is counted only
 * after the send succeeded, and only if nobody else counted it first.
 */
export async function redriveStalled(
  send: TSendEvents,
  now = new Date(),
  maxRows = 500,
): Promise<TRedriveResult> {
  const rows = await db().webhookEvent.findMany({
    where: {
      status: "HANDED_OFF",
      handedOffAt: { lt: new Date(now.getTime() - REDRIVE_AFTER_MS) },
      handoffAttempts: { lt: MAX_HANDOFF_ATTEMPTS },
    },
    orderBy: { handedOffAt: "asc" },
    take: maxRows,
    select: { id: true, provider: true, dedupeKey: true, type: true, handoffAttempts: true },
  });
  if (rows.length === 0) return { found: 0, resent: 0 };
  await send(
    rows.map((r) => {
      const event = toWebhookEvent(r);
      return { ...event, id: `${event.id}:redrive:${r.handoffAttempts + 1}` };
    }),
  );
  let resent = 0;
  for (const r of rows) {
    const { count } = await db().webhookEvent.updateMany({
      where: { id: r.id, status: "HANDED_OFF", handoffAttempts: r.handoffAttempts },
      data: { handedOffAt: now, handoffAttempts: { increment: 1 } },
    });
    resent += count;
  }
  log.warn("inbox.redrive", { found: rows.length, resent });
  return { found: rows.length, resent };
}
