import "server-only";
import { inngest } from "@/inngest/client";
import { assertStorableText, fieldErrors, parseJsonText, readBodyBytes } from "@/lib/api/body";
import {
  HANDLED_HUBSPOT_EVENTS,
  hubspotDedupeKey,
  verifyHubspotSignature,
  ZHubspotWebhookBatch,
} from "@/lib/connectors/hubspot/webhook";
import { HANDLED_STRIPE_EVENTS, verifyStripeWebhook } from "@/lib/connectors/stripe/webhook";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { acceptDeliveries, sha256Hex, type TAcceptResult, type TDelivery } from "@/lib/inbox/accept";
import type { TSendEvents } from "@/lib/inbox/hand-off";
import { log } from "@/lib/logger";
import { STRIPE_ECHO_REASON, stripeEchoEntry } from "@/lib/sync/dispatch";
import { logSync } from "@/lib/sync/sync-log";

/** A HubSpot batch of 100 events is ~40 KB; Stripe events are smaller. Checked before parsing. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

export interface TReceiveResult extends TAcceptResult {
  ignored: number;
}

const sendToInngest: TSendEvents = (events) => inngest.send(events);

function requireSecret(value: string | undefined, name: string): string {
  if (!value) throw new AppError("unavailable", `This endpoint is not configured: set ${name}.`);
  return value;
}

/**
 * Stripe: verify → drop unhandled types → inbox (dedupe on the event id) → Inngest. An echo of our own
 * customer write is stored IGNORED (with its `skipped_echo` SyncLog entry) and goes no further.
 */
export async function receiveStripeWebhook(
  request: Request,
  send: TSendEvents = sendToInngest,
): Promise<TReceiveResult> {
  const secret = requireSecret(env().STRIPE_WEBHOOK_SECRET, "STRIPE_WEBHOOK_SECRET");
  const raw = await readBodyBytes(request, WEBHOOK_BODY_LIMIT_BYTES);
  const event = verifyStripeWebhook(raw, request.headers.get("stripe-signature"), secret);
  if (!HANDLED_STRIPE_EVENTS.has(event.type)) {
    return { accepted: 0, duplicates: 0, handedOff: 0, ignored: 1 };
  }
  assertStorableText(event);
  const delivery: TDelivery = {
    provider: "STRIPE",
    dedupeKey: event.id,
    type: event.type,
    payload: JSON.parse(JSON.stringify(event)) as TDelivery["payload"],
  };
  const echo = (rowId: string) =>
    stripeEchoEntry({ id: rowId, type: event.type, payload: delivery.payload }, "on arrival");
  if (echo("")) delivery.ignoredReason = STRIPE_ECHO_REASON;
  const result = await acceptDeliveries([delivery], sha256Hex(raw), send, (rows) =>
    logSync(rows.flatMap((r) => echo(r.id) ?? [])),
  );
  log.info("webhook.stripe.received", {
    eventId: event.id,
    type: event.type,
    duplicate: result.duplicates > 0,
  });
  return { ...result, ignored: 0 };
}

/** HubSpot: verify v3 → parse the batch (≤ 100) → drop unhandled types → inbox → Inngest. */
export async function receiveHubspotWebhook(
  request: Request,
  send: TSendEvents = sendToInngest,
): Promise<TReceiveResult> {
  const e = env();
  const secret = requireSecret(e.HUBSPOT_CLIENT_SECRET, "HUBSPOT_CLIENT_SECRET");
  const raw = await readBodyBytes(request, WEBHOOK_BODY_LIMIT_BYTES);
  const text = new TextDecoder().decode(raw);
  const received = new URL(request.url);
  verifyHubspotSignature({
    method: request.method,
    urls: [
      ...new Set([received.toString(), new URL(received.pathname + received.search, e.APP_URL).toString()]),
    ],
    rawBody: text,
    signature: request.headers.get("x-hubspot-signature-v3"),
    timestamp: request.headers.get("x-hubspot-request-timestamp"),
    clientSecret: secret,
  });
  const parsed = ZHubspotWebhookBatch.safeParse(parseJsonText(text));
  if (!parsed.success) {
    throw new AppError(
      "bad_request",
      "Expected an array of 1–100 HubSpot webhook events.",
      fieldErrors(parsed.error),
    );
  }
  const handled = parsed.data.filter((ev) => HANDLED_HUBSPOT_EVENTS.has(ev.subscriptionType));
  const deliveries: TDelivery[] = handled.map((ev) => ({
    provider: "HUBSPOT",
    dedupeKey: hubspotDedupeKey(ev),
    type: ev.subscriptionType,
    payload: ev as TDelivery["payload"],
  }));
  const result = await acceptDeliveries(deliveries, sha256Hex(raw), send);
  log.info("webhook.hubspot.received", {
    events: parsed.data.length,
    accepted: result.accepted,
    duplicates: result.duplicates,
  });
  return { ...result, ignored: parsed.data.length - handled.length };
}
