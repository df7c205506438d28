import "server-only";
import { db } from "@/lib/db";
import { logSync, pairEntry, type TPairDirection } from "@/lib/sync/sync-log";

/**
 * The pair's status after a write gave up (retries ran out, or the provider refused): the Mappings
 * page shows `error` with the reason, and the attempt is in the per-record history.
 */

type TPairSide = { hubspotContactId: string } | { stripeCustomerId: string };

export async function markPairError(where: TPairSide, error: string): Promise<void> {
  await db().contactCustomerMap.updateMany({
    where,
    data: { status: "error", lastError: error.slice(0, 500) },
  });
}

export async function markWriteDeadLettered(
  direction: TPairDirection,
  w: { sourceId: string; targetId?: string; webhookEventId?: string },
  error: string,
  statusCode?: number,
): Promise<void> {
  const where =
    direction === "hubspot_to_stripe" ? { hubspotContactId: w.sourceId } : { stripeCustomerId: w.sourceId };
  await markPairError(where, error);
  await logSync([
    {
      ...pairEntry(direction, w.sourceId, w.targetId, w.webhookEventId),
      outcome: "dead_lettered",
      statusCode,
      message: error,
    },
  ]);
}
