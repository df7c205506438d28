import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { readSetting, writeSetting } from "@/lib/settings/app-settings";
import { DEFAULT_MAPPING, ZMapping, ZOwner, type TMapping } from "@/lib/sync/mapping";
import { MAPPING_SETTING_KEY } from "@/lib/sync/mapping-settings";

/**
 * What an ADMIN may change in the field mapping from the console: who wins per field, the purchase
 * properties and event, the phone region and what a Stripe deletion does. The field list itself
 * (which properties pair with which Stripe paths, and their transforms) stays as deployed: changing
 * it would re-key every stored comparison, so it is a code change, not a setting.
 */
const hubspotProperty = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,99}$/, "a HubSpot internal property name: lower-case letters, digits and _");

export const ZFieldMappingUpdate = z.object({
  owners: z.record(z.string(), ZOwner),
  purchaseProperties: z.object({
    lifetimeSpend: hubspotProperty,
    lastPurchaseDate: hubspotProperty,
    currency: hubspotProperty,
  }),
  /** Empty or null → purchases are written as notes. */
  purchaseEventName: z
    .string()
    .trim()
    .max(200)
    .regex(
      /^$|^pe[0-9a-z_]+$/i,
      "a behavioral event's fully qualified name starts with pe (e.g. pe123_purchase)",
    )
    .nullable(),
  defaultPhoneRegion: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, "a two-letter country code, e.g. US")
    .transform((s) => s.toUpperCase()),
  deleteHubspotContactOnStripeDelete: z.boolean(),
});
export type TFieldMappingUpdate = z.infer<typeof ZFieldMappingUpdate>;

/**
 * The mapping in force (saved setting, else the defaults), read uncached: the engine's readMapping()
 * caches for 2 s per process, which would show an ADMIN their previous value right after saving.
 */
export const getFieldMapping = (): Promise<TMapping> =>
  readSetting(MAPPING_SETTING_KEY, ZMapping, DEFAULT_MAPPING);

/**
 * Applies an ADMIN's edit to the mapping in force and saves it with an audit of what changed, in one
 * transaction. The engine's reader caches for 2 s per process, so the edit applies within seconds.
 */
export async function saveFieldMapping(input: TFieldMappingUpdate, actorId: string): Promise<TMapping> {
  const current = await getFieldMapping();
  const known = new Set(current.fields.map((f) => f.key));
  const unknown = Object.keys(input.owners).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new AppError("bad_request", `Unknown field in the mapping: ${unknown.join(", ")}.`, {
      owners: `fields are ${[...known].join(", ")}`,
    });
  }
  const props = Object.values(input.purchaseProperties);
  if (new Set(props).size !== props.length) {
    throw new AppError("bad_request", "The three purchase properties must be different properties.", {
      purchaseProperties: "use three distinct property names",
    });
  }
  const next = ZMapping.parse({
    ...current,
    fields: current.fields.map((f) => ({ ...f, owner: input.owners[f.key] ?? f.owner })),
    purchaseProperties: input.purchaseProperties,
    purchaseEventName: input.purchaseEventName || null,
    defaultPhoneRegion: input.defaultPhoneRegion.toUpperCase(),
    deleteHubspotContactOnStripeDelete: input.deleteHubspotContactOnStripeDelete,
  });
  const changes = diff(current, next);
  if (changes.length === 0) return current;
  await db().$transaction(async (tx) => {
    await writeSetting(MAPPING_SETTING_KEY, next, actorId, tx);
    await recordAudit(
      {
        actorId,
        action: "sync.mapping.update",
        target: `AppSetting:${MAPPING_SETTING_KEY}`,
        details: { changes },
      },
      tx,
    );
  });
  return next;
}

/** `owner.phone: newest → stripe` style lines: small, readable audit details. */
function diff(a: TMapping, b: TMapping): string[] {
  const out: string[] = [];
  for (const f of b.fields) {
    const before = a.fields.find((x) => x.key === f.key)?.owner;
    if (before !== f.owner) out.push(`owner.${f.key}: ${before ?? "—"} → ${f.owner}`);
  }
  for (const k of ["lifetimeSpend", "lastPurchaseDate", "currency"] as const) {
    if (a.purchaseProperties[k] !== b.purchaseProperties[k]) {
      out.push(`purchaseProperties.${k}: ${a.purchaseProperties[k]} → ${b.purchaseProperties[k]}`);
    }
  }
  for (const k of [
    "purchaseEventName",
    "defaultPhoneRegion",
    "deleteHubspotContactOnStripeDelete",
  ] as const) {
    if (a[k] !== b[k]) out.push(`${k}: ${String(a[k])} → ${String(b[k])}`);
  }
  return out;
}
