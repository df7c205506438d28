import "server-only";
import { db } from "@/lib/db";
import { log } from "@/lib/logger";
import { handOffRows, type TSendEvents } from "@/lib/inbox/hand-off";

/**
 * Rows younger than this may still be in their intake request's own hand-off (bounded at 3 s); leave
 * them alone. A sweep racing a slow hand-off is harmless anyway (same event id, deduplicated by
 * Inngest), so the grace only saves work; short, so a crash's rows go out within seconds.
 */
export const SWEEP_GRACE_MS = 10_000;
const BATCH = 200;

export interface TSweepResult {
  found: number;
  handedOff: number;
  failed: number;
}

/**
 * Re-sends inbox rows accepted but never handed to Inngest (send failed, process died).
 * Runs in batches so one bad batch does not block the rest; a failed batch counts an attempt and
 * stays RECEIVED for the next sweep.
 */
export async function sweepInbox(send: TSendEvents, now = new Date(), maxRows = 2000): Promise<TSweepResult> {
  const rows = await db().webhookEvent.findMany({
    where: { status: "RECEIVED", receivedAt: { lt: new Date(now.getTime() - SWEEP_GRACE_MS) } },
    orderBy: { receivedAt: "asc" },
    take: maxRows,
    select: { id: true, provider: true, dedupeKey: true, type: true },
  });
  const result: TSweepResult = { found: rows.length, handedOff: 0, failed: 0 };
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    try {
      result.handedOff += await handOffRows(batch, send);
    } catch (error) {
      result.failed += batch.length;
      await db().webhookEvent.updateMany({
        where: { id: { in: batch.map((r) => r.id) } },
        data: {
          handoffAttempts: { increment: 1 },
          error: `hand-off failed: ${(error as Error).message}`.slice(0, 500),
        },
      });
      log.warn("inbox.sweep.batch_failed", { rows: batch.length, error });
    }
  }
  return result;
}
