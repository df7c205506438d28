/**
 * The property mapping: per event type, which HubSpot contact properties to set from which event
 * fields, and what to put on the contact's timeline (a custom behavioral event, a note, or nothing).
 * Stored in AppSetting `events.mapping` and edited in the console; DEFAULT_EVENT_MAPPING applies
 * until someone saves one. Pure (no server imports): the console editor validates with it too.
 */
import { z } from "zod";
import { CATALOGUE, isEventType, type TEventType } from "@/lib/events/catalogue";

/** Where a HubSpot property's value comes from: an event field, or a fixed value. */
export const ZValueSource = z.union([
  z
    .object({
      field: z
        .string()
        .regex(
          /^(id|type|occurredAt|email|externalId|properties\.[A-Za-z0-9_]+)$/,
          "must be id, type, occurredAt, email, externalId or properties.<name>",
        ),
    })
    .strict(),
  z.object({ value: z.string().max(1000) }).strict(),
]);
export type TValueSource = z.infer<typeof ZValueSource>;

const ZHubspotName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,99}$/, "must be a HubSpot internal name: lower-case letters, digits and _");

export const ZTypeMapping = z
  .object({
    /** HubSpot contact property → source. */
    properties: z.record(ZHubspotName, ZValueSource).default({}),
    /** `event`: a custom behavioral event (a note instead when the portal has no custom events). */
    timeline: z.enum(["event", "note", "none"]).default("note"),
    /** The event's internal name in HubSpot, e.g. `pe1234567_user_signed_up`. */
    eventName: ZHubspotName.optional(),
  })
  .strict()
  .refine((m) => m.timeline !== "event" || m.eventName !== undefined, {
    message: "is required when timeline is event",
    path: ["eventName"],
  });
export type TTypeMapping = z.infer<typeof ZTypeMapping>;

export const ZEventMapping = z
  .object({
    /** The unique contact property that holds an app's externalId (upsert key when there is no email). */
    externalIdProperty: ZHubspotName.default("revbridge_external_id"),
    types: z.record(z.string(), ZTypeMapping).default({}),
  })
  .strict()
  .superRefine((m, ctx) => {
    for (const [type, tm] of Object.entries(m.types)) {
      if (!isEventType(type)) {
        ctx.addIssue({
          code: "custom",
          path: ["types", type],
          message: "is not an event type in the catalogue",
        });
        continue;
      }
      const known = Object.keys(CATALOGUE[type].properties.shape);
      for (const [prop, source] of Object.entries(tm.properties)) {
        if ("field" in source && source.field.startsWith("properties.")) {
          const name = source.field.slice("properties.".length);
          if (!known.includes(name)) {
            ctx.addIssue({
              code: "custom",
              path: ["types", type, "properties", prop, "field"],
              message: `${type} has no property ${name} (it has: ${known.join(", ") || "none"})`,
            });
          }
        }
      }
    }
  });
export type TEventMapping = z.infer<typeof ZEventMapping>;

const at = (field: string): TValueSource => ({ field });
const fixed = (value: string): TValueSource => ({ value });

/**
 * Shipped defaults. The `revbridge_*` contact properties are created by `npm run smoke -- hubspot
 * --create-properties` (see REVBRIDGE_CONTACT_PROPERTIES). Lifecycle stage only moves forward
 * (`customer`), because HubSpot refuses to move it back through the API.
 */
export const DEFAULT_EVENT_MAPPING: TEventMapping = {
  externalIdProperty: "revbridge_external_id",
  types: {
    "user.signed_up": {
      properties: {
        firstname: at("properties.firstName"),
        lastname: at("properties.lastName"),
        revbridge_plan: at("properties.plan"),
        revbridge_signed_up_at: at("occurredAt"),
      },
      timeline: "event",
      eventName: "revbridge_user_signed_up",
    },
    "user.activated": {
      properties: { revbridge_activated_at: at("occurredAt") },
      timeline: "event",
      eventName: "revbridge_user_activated",
    },
    "trial.started": {
      properties: { revbridge_plan: at("properties.plan"), revbridge_trial_started_at: at("occurredAt") },
      timeline: "event",
      eventName: "revbridge_trial_started",
    },
    "subscription.started": {
      properties: {
        revbridge_plan: at("properties.plan"),
        revbridge_subscription_status: fixed("active"),
        lifecyclestage: fixed("customer"),
      },
      timeline: "event",
      eventName: "revbridge_subscription_started",
    },
    "subscription.cancelled": {
      properties: { revbridge_subscription_status: fixed("cancelled") },
      timeline: "event",
      eventName: "revbridge_subscription_cancelled",
    },
    "purchase.completed": {
      properties: { lifecyclestage: fixed("customer"), revbridge_last_purchase_at: at("occurredAt") },
      timeline: "event",
      eventName: "revbridge_purchase_completed",
    },
    "coupon.redeemed": {
      properties: { revbridge_last_coupon: at("properties.code") },
      timeline: "note",
    },
  },
};

/** The custom contact properties the default mapping writes (created by the smoke command on request). */
export const REVBRIDGE_CONTACT_PROPERTIES: {
  name: string;
  label: string;
  type: "string" | "datetime";
  fieldType: "text" | "date";
  hasUniqueValue?: boolean;
}[] = [
  {
    name: "revbridge_external_id",
    label: "RevBridge external id",
    type: "string",
    fieldType: "text",
    hasUniqueValue: true,
  },
  { name: "revbridge_plan", label: "Plan", type: "string", fieldType: "text" },
  { name: "revbridge_signed_up_at", label: "Signed up at", type: "datetime", fieldType: "date" },
  { name: "revbridge_activated_at", label: "Activated at", type: "datetime", fieldType: "date" },
  { name: "revbridge_trial_started_at", label: "Trial started at", type: "datetime", fieldType: "date" },
  { name: "revbridge_subscription_status", label: "Subscription status", type: "string", fieldType: "text" },
  { name: "revbridge_last_purchase_at", label: "Last purchase at", type: "datetime", fieldType: "date" },
  { name: "revbridge_last_coupon", label: "Last coupon", type: "string", fieldType: "text" },
];

/** The mapping for one type; a type without an entry sets nothing and adds a note. */
export function mappingFor(mapping: TEventMapping, type: TEventType): TTypeMapping {
  return mapping.types[type] ?? { properties: {}, timeline: "note" };
}

/** Every contact property a mapping writes (for the dry run and the smoke check). */
export function mappedContactProperties(mapping: TEventMapping): string[] {
  const names = new Set<string>([mapping.externalIdProperty]);
  for (const tm of Object.values(mapping.types)) for (const p of Object.keys(tm.properties)) names.add(p);
  return [...names].sort();
}
