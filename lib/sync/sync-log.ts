import "server-only";
import { db } from "@/lib/db";
import type { Provider } from "@/lib/generated/prisma/enums";

/** SyncLog.direction values written by the sync engine. */
export type TSyncDirection = "hubspot_to_stripe" | "stripe_to_hubspot" | "purchase";

/**
 * SyncLog.outcome values. `near_miss` is not an outcome: a near-miss is logged as `applied` with a
 * message starting `near-miss echo` (see lib/sync/echo.ts) so outcome counts stay comparable.
 */
export type TSyncOutcome =
  | "applied"
  | "skipped_echo"
  | "skipped_stale"
  | "skipped_unchanged"
  | "failed"
  | "dead_lettered"
  | "replayed";

export interface TSyncLogEntry {
  direction: TSyncDirection;
  outcome: TSyncOutcome;
  sourceSystem?: Provider;
  sourceId?: string;
  targetSystem?: Provider;
  targetId?: string;
  statusCode?: number;
  lagMs?: number;
  message?: string;
  webhookEventId?: string;
}

type Tx = Pick<ReturnType<typeof db>, "syncLog">;

/** One row per decision, so the per-record history explains every write and every skip. */
export async function logSync(entries: TSyncLogEntry[], tx: Tx = db()): Promise<void> {
  if (entries.length === 0) return;
  await tx.syncLog.createMany({
    data: entries.map((e) => ({
      ...e,
      lagMs: e.lagMs === undefined ? undefined : Math.max(0, Math.round(e.lagMs)),
      message: e.message?.slice(0, 1000),
    })),
  });
}

export type TPairDirection = Exclude<TSyncDirection, "purchase">;

/** The ids every log entry of one contact ⇄ customer decision carries; the systems follow from the direction. */
export function pairEntry(
  direction: TPairDirection,
  sourceId: string,
  targetId?: string,
  webhookEventId?: string,
): Pick<
  TSyncLogEntry,
  "direction" | "sourceSystem" | "sourceId" | "targetSystem" | "targetId" | "webhookEventId"
> {
  const h2s = direction === "hubspot_to_stripe";
  return {
    direction,
    sourceSystem: h2s ? "HUBSPOT" : "STRIPE",
    sourceId,
    targetSystem: h2s ? "STRIPE" : "HUBSPOT",
    targetId,
    webhookEventId,
  };
}
