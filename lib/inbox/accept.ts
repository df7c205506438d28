import "server-only";
import { createHash } from "node:crypto";
import { db, type Prisma } from "@/lib/db";
import type { Provider } from "@/lib/generated/prisma/enums";
import { log } from "@/lib/logger";
import { handOffRows, type TSendEvents } from "@/lib/inbox/hand-off";

export interface TDelivery {
  provider: Provider;
  /** The provider's unique id for this delivery (see WebhookEvent.dedupeKey). */
  dedupeKey: string;
  type: string;
  payload: Prisma.InputJsonValue;
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

/**
 * Writes deliveries to the inbox in one statement (a repeated delivery is skipped by the unique
 * (provider, dedupeKey)), then hands the new rows to Inngest. Once the insert commits the delivery is
 * safe: if the hand-off fails or times out, the row stays RECEIVED and the sweeper re-sends it.
 */
export async function acceptDeliveries(
  deliveries: TDelivery[],
  bodySha256: string,
  send: TSendEvents,
): Promise<TAcceptResult> {
  if (deliveries.length === 0) return { accepted: 0, duplicates: 0, handedOff: 0 };
  const created = await db().webhookEvent.createManyAndReturn({
    data: deliveries.map((d) => ({ ...d, bodySha256 })),
    skipDuplicates: true,
    select: { id: true, provider: true, dedupeKey: true, type: true },
  });
  let handedOff = 0;
  try {
    handedOff = await withTimeout(handOffRows(created, send), HANDOFF_TIMEOUT_MS);
  } catch (error) {
    log.warn("inbox.handoff.deferred", { rows: created.length, provider: deliveries[0]?.provider, error });
  }
  return { accepted: created.length, duplicates: deliveries.length - created.length, handedOff };
}
