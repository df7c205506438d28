import "server-only";
import { type db, lanePool } from "@/lib/db";
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

/**
 * One row per decision, so the per-record history explains every write and every skip. Inside a
 * transaction through its Prisma client; otherwise one statement on `pg` directly: the echo of every
 * HubSpot → Stripe write is logged here on arrival (10,000 rows a seed burst), and Prisma's own work
 * per statement was a large share of the intake's CPU.
 */
export async function logSync(entries: TSyncLogEntry[], tx?: Tx): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((e) => ({
    ...e,
    lagMs: e.lagMs === undefined ? undefined : Math.max(0, Math.round(e.lagMs)),
    message: e.message?.slice(0, 1000),
  }));
  if (tx) {
    await tx.syncLog.createMany({ data: rows });
    return;
  }
  await lanePool().query(
    `INSERT INTO "SyncLog" (id, direction, outcome, "sourceSystem", "sourceId", "targetSystem", "targetId",
                            "statusCode", "lagMs", message, "webhookEventId", "createdAt")
     SELECT gen_random_uuid()::text, r.direction, r.outcome, r."sourceSystem"::"Provider", r."sourceId",
            r."targetSystem"::"Provider", r."targetId", r."statusCode", r."lagMs", r.message, r."webhookEventId",
            $2::timestamptz AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($1::jsonb) AS r(direction text, outcome text, "sourceSystem" text, "sourceId" text,
            "targetSystem" text, "targetId" text, "statusCode" int, "lagMs" int, message text, "webhookEventId" text)`,
    [JSON.stringify(rows), new Date().toISOString()],
  );
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
