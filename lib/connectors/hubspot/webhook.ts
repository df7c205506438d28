import { timingSafeEqual } from "node:crypto";
import { Signature } from "@hubspot/api-client";
import { z } from "zod";
import { AppError } from "@/lib/errors";

/** HubSpot's v3 window: requests whose timestamp is more than 5 minutes old are refused. */
export const HUBSPOT_SIGNATURE_MAX_AGE_MS = 5 * 60 * 1000;

export const HANDLED_HUBSPOT_EVENTS: ReadonlySet<string> = new Set([
  "contact.creation",
  "contact.propertyChange",
  "contact.deletion",
  "contact.merge",
  "contact.restore",
]);

export const ZHubspotWebhookEvent = z
  .object({
    eventId: z.number().int(),
    subscriptionId: z.number().int().optional(),
    portalId: z.number().int().optional(),
    appId: z.number().int().optional(),
    occurredAt: z.number().int(),
    subscriptionType: z.string().min(1),
    attemptNumber: z.number().int().optional(),
    objectId: z.number().int(),
    changeSource: z.string().optional(),
    propertyName: z.string().optional(),
    propertyValue: z.string().optional(),
  })
  .loose();
export type THubspotWebhookEvent = z.infer<typeof ZHubspotWebhookEvent>;

/** HubSpot sends arrays of at most 100 events. */
export const ZHubspotWebhookBatch = z.array(ZHubspotWebhookEvent).min(1).max(100);

// HubSpot signs the URI with these percent-escapes decoded (developer docs, "Validate requests v3").
const DECODE: [string, string][] = [
  ["%3A", ":"],
  ["%2F", "/"],
  ["%3F", "?"],
  ["%40", "@"],
  ["%21", "!"],
  ["%24", "$"],
  ["%27", "'"],
  ["%28", "("],
  ["%29", ")"],
  ["%2A", "*"],
  ["%2C", ","],
  ["%3B", ";"],
];

export function hubspotSignedUri(url: string): string {
  return DECODE.reduce((u, [from, to]) => u.replaceAll(from, to).replaceAll(from.toLowerCase(), to), url);
}

function equalConstantTime(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Verifies `X-HubSpot-Signature-v3`: base64 HMAC-SHA256 (client secret) of method + URI + body +
 * timestamp, computed by the official SDK and compared in constant time, within the 5-minute window.
 * `urls` are the URIs the request may have been signed with (as received, and as the public APP_URL).
 */
export function verifyHubspotSignature(input: {
  method: string;
  urls: string[];
  rawBody: string;
  signature: string | null;
  timestamp: string | null;
  clientSecret: string;
  now?: number;
}): void {
  if (!input.signature || !input.timestamp) {
    throw new AppError(
      "bad_request",
      "Missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp header.",
    );
  }
  const ts = Number(input.timestamp);
  const now = input.now ?? Date.now();
  if (!Number.isInteger(ts) || Math.abs(now - ts) > HUBSPOT_SIGNATURE_MAX_AGE_MS) {
    throw new AppError(
      "bad_request",
      "HubSpot webhook refused: the timestamp is outside the 5-minute window.",
    );
  }
  const valid = input.urls.some((url) =>
    equalConstantTime(
      Signature.getSignature(input.method, "v3", {
        clientSecret: input.clientSecret,
        signature: input.signature!,
        requestBody: input.rawBody,
        url: hubspotSignedUri(url),
        timestamp: ts,
      }),
      input.signature!,
    ),
  );
  if (!valid) throw new AppError("bad_request", "HubSpot webhook refused: the signature does not match.");
}

/** HubSpot's eventId is not unique on its own; this composite is (sync issue, "Intake"). */
export function hubspotDedupeKey(e: THubspotWebhookEvent): string {
  return `${e.eventId}:${e.subscriptionType}:${e.objectId}:${e.occurredAt}`;
}
