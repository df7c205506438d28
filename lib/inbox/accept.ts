import "server-only";
import { createHash } from "node:crypto";
import { dbPool, type Prisma } from "@/lib/db";
import type { Provider } from "@/lib/generated/prisma/enums";
import { log } from "@/lib/logger";
import { handOffRows, type TSendEvents } from "@/lib/inbox/hand-off";

export interface TDelivery {
  provider: Provider;
  /** The provider's unique id for this delivery (see WebhookEvent.dedupeKey). */
  dedupeKey: string;
  type: string;
  payload: Prisma.InputJsonValue;
  /**
   * Settled on arrival: stored IGNORED with this reason and never handed off. For Stripe's echoes of
   * RevBridge's own customer writes (one per contact in a burst): as Inngest events they cost the
   * runner, the app and the database ~5 round trips each before the dispatcher dropped them.
   */
  ignoredReason?: string;
}

export interface TAcceptResult {
  accepted: number;
  duplicates: number;
  handedOff: number;
}

/** Hand-off is best effort inside the request; past this the sweeper takes over. */
const HANDOFF_TIMEOUT_MS = 3000;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref(),
    ),
  ]);
}

/** Called with the rows stored IGNORED on arrival (new ones only, not repeated deliveries). */
export type TOnIgnored = (rows: { id: string; dedupeKey: string }[]) => Promise<unknown>;

/**
 * Writes deliveries to the inbox in one statement (a repeated delivery is skipped by the unique
 * (provider, dedupeKey)), then hands the new rows to Inngest. Once the insert commits the delivery is
 * safe: if the hand-off fails or times out, the row stays RECEIVED and the sweeper re-sends it.
 * Deliveries with an `ignoredReason` are stored settled and reported to `onIgnored` instead.
 */
export async function acceptDeliveries(
  deliveries: TDelivery[],
  bodySha256: string,
  send: TSendEvents,
  onIgnored?: TOnIgnored,
): Promise<TAcceptResult> {
  if (deliveries.length === 0) return { accepted: 0, duplicates: 0, handedOff: 0 };
  // One statement on `pg` directly (as the WeChat callback does): a burst stores ~50,000 deliveries,
  // and Prisma's own work per statement was a large share of the intake's CPU. Ids are random UUIDs,
  // as the set-based sync writes use; a repeated delivery is skipped by the unique (provider, dedupeKey).
  const { rows: created } = await dbPool().query<{
    id: string;
    provider: Provider;
    dedupeKey: string;
    type: string;
    status: "RECEIVED" | "IGNORED";
  }>(
    `INSERT INTO "WebhookEvent" (id, provider, "dedupeKey", type, payload, "bodySha256", status, error,
                                 "receivedAt", "processedAt")
     SELECT gen_random_uuid()::text, d.provider::"Provider", d."dedupeKey", d.type, d.payload, $2,
            (CASE WHEN d.ignored IS NULL THEN 'RECEIVED' ELSE 'IGNORED' END)::"WebhookStatus", d.ignored,
            $3::timestamptz AT TIME ZONE 'UTC',
            CASE WHEN d.ignored IS NULL THEN NULL ELSE $3::timestamptz AT TIME ZONE 'UTC' END
       FROM jsonb_to_recordset($1::jsonb)
            AS d(provider text, "dedupeKey" text, type text, payload jsonb, ignored text)
     ON CONFLICT (provider, "dedupeKey") DO NOTHING
     RETURNING id, provider::text AS provider, "dedupeKey", type, status::text AS status`,
    [
      JSON.stringify(
        deliveries.map((d) => ({
          provider: d.provider,
          dedupeKey: d.dedupeKey,
          type: d.type,
          payload: d.payload,
          ignored: d.ignoredReason ?? null,
        })),
      ),
      bodySha256,
      new Date().toISOString(),
    ],
  );
  const ignored = created.filter((r) => r.status === "IGNORED");
  if (ignored.length && onIgnored) await onIgnored(ignored);
  let handedOff = 0;
  try {
    const pending = created.filter((r) => r.status !== "IGNORED");
    handedOff = await withTimeout(handOffRows(pending, send), HANDOFF_TIMEOUT_MS);
  } catch (error) {
    log.warn("inbox.handoff.deferred", { rows: created.length, provider: deliveries[0]?.provider, error });
  }
  return { accepted: created.length, duplicates: deliveries.length - created.length, handedOff };
}
