import "server-only";
import { db } from "@/lib/db";
import type { Provider } from "@/lib/generated/prisma/enums";
import { webhookEventIdFor } from "@/inngest/events";

export interface TInboxRow {
  id: string;
  provider: Provider;
  dedupeKey: string;
  type: string;
}

export interface TInngestEvent {
  id: string;
  name: string;
  data: Record<string, unknown>;
}

/** How events leave the process; `inngest.send` in the app, a recorder in tests. */
export type TSendEvents = (events: TInngestEvent[]) => Promise<unknown>;

export function toWebhookEvent(row: TInboxRow): TInngestEvent {
  return {
    id: webhookEventIdFor(row.provider, row.dedupeKey),
    name: "revbridge/webhook.received",
    data: { webhookEventId: row.id, provider: row.provider, type: row.type },
  };
}

/**
 * Sends inbox rows to Inngest and only then marks them HANDED_OFF: a crash in between leaves them
 * RECEIVED for the sweeper, and the stable event id makes the second send a no-op at Inngest.
 */
export async function handOffRows(rows: TInboxRow[], send: TSendEvents): Promise<number> {
  if (rows.length === 0) return 0;
  await send(rows.map(toWebhookEvent));
  const updated = await db().webhookEvent.updateMany({
    where: { id: { in: rows.map((r) => r.id) }, status: "RECEIVED" },
    data: { status: "HANDED_OFF", handedOffAt: new Date() },
  });
  return updated.count;
}
