/**
 * The lifecycle events product apps may send to `POST /api/v1/events`, each with a zod schema for
 * its `properties`. Pure (no server imports) so the console, tests and docs can read it.
 *
 * To add an event type: add an entry to CATALOGUE below (a `type` in `noun.past_tense` form and a
 * `z.object` of its properties, `.strict()` unless apps may send extra keys), then give it a
 * mapping in DEFAULT_EVENT_MAPPING (lib/events/mapping.ts) or in the console's mapping editor.
 * Types not in the catalogue are answered `invalid` with `type: unknown event type`.
 */
import { z } from "zod";

const ZCurrency = z
  .string()
  .regex(/^[A-Za-z]{3}$/, "must be a 3-letter ISO currency code, e.g. USD")
  .transform((v) => v.toUpperCase());
const ZAmount = z.number().nonnegative("must be 0 or more").finite();
const ZIsoDate = z.iso.datetime({
  offset: true,
  message: "must be an ISO 8601 date-time, e.g. 2026-01-31T09:00:00Z",
});
const ZShort = z.string().trim().min(1).max(200);

export const CATALOGUE = {
  "user.signed_up": {
    description: "A person created an account in a product app.",
    properties: z
      .object({
        firstName: ZShort.optional(),
        lastName: ZShort.optional(),
        plan: ZShort.optional(),
        source: ZShort.optional(),
      })
      .strict(),
  },
  "user.activated": {
    description: "A person reached the product's activation milestone.",
    properties: z.object({ milestone: ZShort.optional() }).strict(),
  },
  "trial.started": {
    description: "A free trial began.",
    properties: z.object({ plan: ZShort, trialEndsAt: ZIsoDate.optional() }).strict(),
  },
  "subscription.started": {
    description: "A paid subscription began.",
    properties: z
      .object({
        plan: ZShort,
        amount: ZAmount.optional(),
        currency: ZCurrency.optional(),
        interval: z.enum(["month", "year"]).optional(),
      })
      .strict(),
  },
  "subscription.cancelled": {
    description: "A subscription was cancelled (now or at the end of the period).",
    properties: z.object({ plan: ZShort, reason: ZShort.optional(), endsAt: ZIsoDate.optional() }).strict(),
  },
  "purchase.completed": {
    description: "A one-off purchase was paid.",
    properties: z
      .object({ orderId: ZShort, amount: ZAmount, currency: ZCurrency, product: ZShort.optional() })
      .strict(),
  },
  "coupon.redeemed": {
    description: "A coupon or promotion code was redeemed.",
    properties: z.object({ code: ZShort, discountPercent: z.number().min(0).max(100).optional() }).strict(),
  },
} as const satisfies Record<string, { description: string; properties: z.ZodType<Record<string, unknown>> }>;

export type TEventType = keyof typeof CATALOGUE;
export const EVENT_TYPES = Object.keys(CATALOGUE) as TEventType[];

export function isEventType(type: string): type is TEventType {
  return Object.hasOwn(CATALOGUE, type);
}

/** A batch is at most this many events (HubSpot's own batch size; keeps one request's transaction short). */
export const MAX_EVENTS_PER_REQUEST = 100;

/** `occurredAt`: ISO 8601 with an offset, or epoch milliseconds; not more than a day in the future. */
const ZOccurredAt = z
  .union([ZIsoDate, z.number().int().positive()])
  .transform((v) => new Date(v))
  .refine((d) => d.getTime() <= Date.now() + 86_400_000, "must not be more than a day in the future");

/** The envelope every event shares; `properties` is checked per type by `parseEvent`. */
export const ZEventEnvelope = z
  .object({
    id: z
      .string()
      .min(1, "is required: your own unique id for this event (a retry sends the same id)")
      .max(200)
      .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces"),
    type: z.string().min(1).max(100),
    occurredAt: ZOccurredAt,
    email: z
      .email("must be an email address")
      .max(254)
      .transform((v) => v.toLowerCase())
      .optional(),
    externalId: z.string().trim().min(1).max(200).optional(),
    properties: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .refine((e) => e.email !== undefined || e.externalId !== undefined, {
    message: "one of email or externalId is required to find the contact",
    path: ["email"],
  });

export interface TParsedEvent {
  id: string;
  type: TEventType;
  occurredAt: Date;
  email?: string;
  externalId?: string;
  properties: Record<string, unknown>;
}

export type TParseResult =
  { ok: true; event: TParsedEvent } | { ok: false; id?: string; errors: Record<string, string> };

function issuesToFields(issues: readonly z.core.$ZodIssue[], prefix: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = [...prefix, ...issue.path.map(String)].join(".") || "(event)";
    out[key] ??= issue.message;
  }
  return out;
}

/** Validates one event: the envelope, then the type's properties. Field errors name the dotted path. */
export function parseEvent(raw: unknown): TParseResult {
  const id =
    raw && typeof raw === "object" && typeof (raw as { id?: unknown }).id === "string"
      ? (raw as { id: string }).id
      : undefined;
  const envelope = ZEventEnvelope.safeParse(raw);
  if (!envelope.success)
    return { ok: false, ...(id ? { id } : {}), errors: issuesToFields(envelope.error.issues) };
  const e = envelope.data;
  if (!isEventType(e.type)) {
    return {
      ok: false,
      id: e.id,
      errors: { type: `unknown event type; known types: ${EVENT_TYPES.join(", ")}` },
    };
  }
  const props = CATALOGUE[e.type].properties.safeParse(e.properties);
  if (!props.success)
    return { ok: false, id: e.id, errors: issuesToFields(props.error.issues, ["properties"]) };
  return {
    ok: true,
    event: {
      id: e.id,
      type: e.type,
      occurredAt: e.occurredAt,
      ...(e.email ? { email: e.email } : {}),
      ...(e.externalId ? { externalId: e.externalId } : {}),
      properties: props.data,
    },
  };
}
