/**
 * The declarative HubSpot contact ⇄ Stripe customer field mapping. Pure (no I/O) so the console can
 * show it and unit tests can pin it; lib/sync/mapping-settings.ts reads the saved override.
 *
 * A rule maps one logical field between the two shapes, says which side owns it and how values are
 * normalised. Values are compared in their normalised ("canonical") form, so `Ann@X.com ` in HubSpot
 * and `ann@x.com` in Stripe count as equal and cause no write (and no echo).
 */
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { z } from "zod";

/** Which side wins: `hubspot` / `stripe` — only that side's changes are copied; `newest` — either side's. */
export const ZOwner = z.enum(["hubspot", "stripe", "newest"]);
export type TOwner = z.infer<typeof ZOwner>;

/**
 * - `email`: trim + lowercase. `phone`: E.164 when parseable (default region below), else trimmed.
 * - `name`: HubSpot [firstname, lastname] ⇄ Stripe `name` (joined with a space; split at the last space).
 * - `trim`: trimmed; empty → null. `upper`: trimmed, upper-case (ISO country codes).
 */
export const ZTransform = z.enum(["email", "phone", "name", "trim", "upper"]);
export type TTransform = z.infer<typeof ZTransform>;

/** Stripe customer paths the mapping may target. */
export const STRIPE_FIELDS = [
  "email",
  "name",
  "phone",
  "address.line1",
  "address.line2",
  "address.city",
  "address.state",
  "address.postal_code",
  "address.country",
] as const;
export const ZStripeField = z.enum(STRIPE_FIELDS);
export type TStripeField = z.infer<typeof ZStripeField>;

export const ZFieldRule = z.object({
  /** Logical name, unique in the mapping. */
  key: z.string().regex(/^[a-z][a-z0-9_]*$/),
  /** HubSpot contact properties: one, or two for `name` (first, last). */
  hubspot: z.array(z.string().min(1)).min(1).max(2),
  stripe: ZStripeField,
  owner: ZOwner,
  transform: ZTransform,
});
export type TFieldRule = z.infer<typeof ZFieldRule>;

export const ZMapping = z.object({
  fields: z
    .array(ZFieldRule)
    .min(1)
    .refine((f) => new Set(f.map((r) => r.key)).size === f.length, "field keys must be unique")
    .refine(
      (f) => f.some((r) => r.key === "email"),
      "the mapping needs an `email` field (HubSpot upserts by it)",
    ),
  /** Region used to read phone numbers written without a country code. */
  defaultPhoneRegion: z.string().length(2).default("US"),
  /** Stripe `customer.deleted`: also archive the HubSpot contact (default: only mark the mapping). */
  deleteHubspotContactOnStripeDelete: z.boolean().default(false),
  /** Purchases: HubSpot contact properties for spend (created as number/date/string when missing). */
  purchaseProperties: z
    .object({
      lifetimeSpend: z.string().default("revbridge_lifetime_spend"),
      lastPurchaseDate: z.string().default("revbridge_last_purchase_date"),
      currency: z.string().default("revbridge_currency"),
    })
    .default({
      lifetimeSpend: "revbridge_lifetime_spend",
      lastPurchaseDate: "revbridge_last_purchase_date",
      currency: "revbridge_currency",
    }),
  /** The custom behavioral event's fully qualified name; null → always a note. */
  purchaseEventName: z.string().nullable().default("pe_revbridge_purchase"),
});
export type TMapping = z.infer<typeof ZMapping>;

/** Sensible defaults: CRM owns identity (email, name), billing owns the address, phone goes both ways. */
export const DEFAULT_MAPPING: TMapping = ZMapping.parse({
  fields: [
    { key: "email", hubspot: ["email"], stripe: "email", owner: "hubspot", transform: "email" },
    { key: "name", hubspot: ["firstname", "lastname"], stripe: "name", owner: "hubspot", transform: "name" },
    { key: "phone", hubspot: ["phone"], stripe: "phone", owner: "newest", transform: "phone" },
    {
      key: "address_line1",
      hubspot: ["address"],
      stripe: "address.line1",
      owner: "stripe",
      transform: "trim",
    },
    { key: "city", hubspot: ["city"], stripe: "address.city", owner: "stripe", transform: "trim" },
    { key: "state", hubspot: ["state"], stripe: "address.state", owner: "stripe", transform: "trim" },
    {
      key: "postal_code",
      hubspot: ["zip"],
      stripe: "address.postal_code",
      owner: "stripe",
      transform: "trim",
    },
    { key: "country", hubspot: ["country"], stripe: "address.country", owner: "stripe", transform: "upper" },
  ],
});

/** Field values in canonical form, by rule key; null = empty. */
export type TCanonical = Record<string, string | null>;

function blankToNull(v: unknown): string | null {
  // Only strings and numbers have a canonical text form; objects would read "[object Object]".
  const text = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : null;
  const s = text?.trim() ?? "";
  return s === "" ? null : s;
}

export function normalise(transform: TTransform, value: unknown, region = "US"): string | null {
  const v = blankToNull(value);
  if (v === null) return null;
  switch (transform) {
    case "email":
      return v.toLowerCase();
    case "phone": {
      const parsed = parsePhoneNumberFromString(
        v,
        region as Parameters<typeof parsePhoneNumberFromString>[1],
      );
      return parsed?.isValid() ? parsed.number : v;
    }
    case "upper":
      return v.toUpperCase();
    case "name":
      return v.replace(/\s+/g, " ");
    case "trim":
      return v;
  }
}

/** "Ann Marie Lee" → ["Ann Marie", "Lee"]; "Cher" → ["Cher", null]. */
export function splitName(name: string | null): [string | null, string | null] {
  if (!name) return [null, null];
  const i = name.lastIndexOf(" ");
  return i < 0 ? [name, null] : [name.slice(0, i), name.slice(i + 1)];
}

export function joinName(first: unknown, last: unknown): string | null {
  const parts = [blankToNull(first), blankToNull(last)].filter((p): p is string => p !== null);
  return parts.length ? parts.join(" ").replace(/\s+/g, " ") : null;
}

/** Reads a HubSpot contact's properties into canonical values. */
export function fromHubspot(
  properties: Record<string, string | null | undefined>,
  mapping: TMapping,
): TCanonical {
  const out: TCanonical = {};
  for (const rule of mapping.fields) {
    const raw =
      rule.transform === "name"
        ? joinName(properties[rule.hubspot[0]!], properties[rule.hubspot[1] ?? ""])
        : properties[rule.hubspot[0]!];
    out[rule.key] = normalise(rule.transform, raw, mapping.defaultPhoneRegion);
  }
  return out;
}

export interface TStripeCustomerLike {
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  address?: Record<string, string | null | undefined> | null;
}

function readStripe(customer: TStripeCustomerLike, field: TStripeField): unknown {
  if (field.startsWith("address.")) return customer.address?.[field.slice("address.".length)];
  return customer[field as "email" | "name" | "phone"];
}

/** Reads a Stripe customer into canonical values. */
export function fromStripe(customer: TStripeCustomerLike, mapping: TMapping): TCanonical {
  const out: TCanonical = {};
  for (const rule of mapping.fields) {
    out[rule.key] = normalise(rule.transform, readStripe(customer, rule.stripe), mapping.defaultPhoneRegion);
  }
  return out;
}

/**
 * The rule keys a sync in `direction` may write. The owner's side always; `newest` both ways (the
 * staleness guard and the echo check decide whether a change is new); `creating` a record on the
 * target fills every mapped field so it starts complete.
 */
export function writableKeys(
  mapping: TMapping,
  direction: "hubspot_to_stripe" | "stripe_to_hubspot",
  creating = false,
): string[] {
  const source = direction === "hubspot_to_stripe" ? "hubspot" : "stripe";
  return mapping.fields
    .filter((r) => creating || r.owner === source || r.owner === "newest")
    .map((r) => r.key);
}

/** The keys whose desired value differs from the target's current value (both canonical). */
export function changedKeys(desired: TCanonical, current: TCanonical, keys: string[]): string[] {
  return keys.filter((k) => (desired[k] ?? null) !== (current[k] ?? null));
}

/** Stripe customer params for the given keys (address fields grouped; empty values clear). */
export function toStripeParams(
  values: TCanonical,
  keys: string[],
  mapping: TMapping,
): { email?: string; name?: string; phone?: string; address?: Record<string, string> } {
  const params: { email?: string; name?: string; phone?: string; address?: Record<string, string> } = {};
  for (const rule of mapping.fields) {
    if (!keys.includes(rule.key)) continue;
    const value = values[rule.key] ?? "";
    if (rule.stripe.startsWith("address.")) {
      params.address ??= {};
      params.address[rule.stripe.slice("address.".length)] = value;
    } else {
      params[rule.stripe as "email" | "name" | "phone"] = value;
    }
  }
  return params;
}

/** HubSpot contact properties for the given keys (`name` split into first/last; empty clears). */
export function toHubspotProperties(
  values: TCanonical,
  keys: string[],
  mapping: TMapping,
): Record<string, string> {
  const props: Record<string, string> = {};
  for (const rule of mapping.fields) {
    if (!keys.includes(rule.key)) continue;
    const value = values[rule.key] ?? null;
    if (rule.transform === "name") {
      const [first, last] = splitName(value);
      props[rule.hubspot[0]!] = first ?? "";
      if (rule.hubspot[1]) props[rule.hubspot[1]] = last ?? "";
    } else {
      props[rule.hubspot[0]!] = value ?? "";
    }
  }
  return props;
}

/** Every HubSpot property the mapping reads (for batch reads and search `properties`). */
export function hubspotPropertiesRead(mapping: TMapping): string[] {
  return [...new Set(mapping.fields.flatMap((r) => r.hubspot))];
}
