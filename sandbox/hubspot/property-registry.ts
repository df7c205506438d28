import { z } from "zod";
import { OBJECT_TYPES, OBJECT_TYPE_INFO, type TObjectType } from "./object-types";
import { propertyProblem, type TPropertyProblem } from "./errors";

/** HubSpot's property definition as the properties API returns it. */
export interface TPropertyDefinition {
  name: string;
  label: string;
  type: "string" | "number" | "date" | "datetime" | "enumeration" | "bool";
  fieldType: string;
  groupName: string;
  description: string;
  options: { label: string; value: string; displayOrder: number; hidden: boolean; description?: string }[];
  displayOrder: number;
  calculated: boolean;
  externalOptions: boolean;
  hasUniqueValue: boolean;
  hidden: boolean;
  hubspotDefined?: boolean;
  formField: boolean;
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean };
  createdAt?: string;
  updatedAt?: string;
  archived: boolean;
}

export const ZPropertyCreate = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, "must be lower-case letters, digits and underscores"),
  label: z.string().min(1),
  type: z.enum(["string", "number", "date", "datetime", "enumeration", "bool"]),
  fieldType: z.enum([
    "textarea",
    "text",
    "date",
    "file",
    "number",
    "select",
    "radio",
    "checkbox",
    "booleancheckbox",
    "calculation_equation",
    "phonenumber",
    "html",
  ]),
  groupName: z.string().min(1),
  description: z.string().optional(),
  options: z
    .array(
      z.object({
        label: z.string(),
        value: z.string(),
        displayOrder: z.number().int().optional(),
        hidden: z.boolean().optional(),
        description: z.string().optional(),
      }),
    )
    .optional(),
  displayOrder: z.number().int().optional(),
  hasUniqueValue: z.boolean().optional(),
  hidden: z.boolean().optional(),
  formField: z.boolean().optional(),
  calculationFormula: z.string().optional(),
  externalOptions: z.boolean().optional(),
  referencedObjectType: z.string().optional(),
});
export type TPropertyCreate = z.infer<typeof ZPropertyCreate>;

type TSeed = [
  name: string,
  type: TPropertyDefinition["type"],
  fieldType: string,
  extra?: Partial<TPropertyDefinition>,
];

const readOnly = {
  modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: true },
};
const opts = (...values: string[]) => ({
  options: values.map((value, i) => ({ label: value, value, displayOrder: i, hidden: false })),
});

const SYSTEM: TSeed[] = [
  ["hs_object_id", "number", "number", readOnly],
  ["createdate", "datetime", "date"],
  ["hubspot_owner_id", "enumeration", "select", { externalOptions: true }],
];

const BUILT_IN: Record<TObjectType, TSeed[]> = {
  contacts: [
    ["email", "string", "text"],
    ["firstname", "string", "text"],
    ["lastname", "string", "text"],
    ["phone", "string", "phonenumber"],
    ["company", "string", "text"],
    ["website", "string", "text"],
    ["jobtitle", "string", "text"],
    ["city", "string", "text"],
    ["country", "string", "text"],
    ["lastmodifieddate", "datetime", "date", readOnly],
    ["hs_additional_emails", "enumeration", "checkbox", readOnly],
    ["hs_merged_object_ids", "enumeration", "checkbox", readOnly],
    ["associatedcompanyid", "number", "number"],
    [
      "lifecyclestage",
      "enumeration",
      "radio",
      opts(
        "subscriber",
        "lead",
        "marketingqualifiedlead",
        "salesqualifiedlead",
        "opportunity",
        "customer",
        "evangelist",
        "other",
      ),
    ],
    [
      "hs_lead_status",
      "enumeration",
      "radio",
      opts(
        "NEW",
        "OPEN",
        "IN_PROGRESS",
        "OPEN_DEAL",
        "UNQUALIFIED",
        "ATTEMPTED_TO_CONTACT",
        "CONNECTED",
        "BAD_TIMING",
      ),
    ],
  ],
  companies: [
    ["name", "string", "text"],
    ["domain", "string", "text"],
    ["website", "string", "text"],
    ["industry", "string", "text"],
    ["phone", "string", "phonenumber"],
    ["city", "string", "text"],
    ["country", "string", "text"],
    ["description", "string", "textarea"],
    ["numberofemployees", "number", "number"],
    ["annualrevenue", "number", "number"],
    ["hs_lastmodifieddate", "datetime", "date", readOnly],
    [
      "lifecyclestage",
      "enumeration",
      "radio",
      opts("subscriber", "lead", "opportunity", "customer", "other"),
    ],
  ],
  deals: [
    ["dealname", "string", "text"],
    ["amount", "number", "number"],
    ["closedate", "datetime", "date"],
    [
      "dealstage",
      "enumeration",
      "radio",
      opts(
        "appointmentscheduled",
        "qualifiedtobuy",
        "presentationscheduled",
        "decisionmakerboughtin",
        "contractsent",
        "closedwon",
        "closedlost",
      ),
    ],
    ["pipeline", "enumeration", "select", opts("default")],
    ["dealtype", "enumeration", "radio", opts("newbusiness", "existingbusiness")],
    ["description", "string", "textarea"],
    ["deal_currency_code", "enumeration", "select", opts("USD", "CNY", "HKD", "EUR", "GBP")],
    ["hs_lastmodifieddate", "datetime", "date", readOnly],
  ],
  tickets: [
    ["subject", "string", "text"],
    ["content", "string", "textarea"],
    ["hs_pipeline", "enumeration", "select", opts("0")],
    ["hs_pipeline_stage", "enumeration", "select", opts("1", "2", "3", "4")],
    ["hs_ticket_priority", "enumeration", "select", opts("LOW", "MEDIUM", "HIGH", "URGENT")],
    [
      "hs_ticket_category",
      "enumeration",
      "checkbox",
      opts("PRODUCT_ISSUE", "BILLING_ISSUE", "FEATURE_REQUEST", "GENERAL_INQUIRY"),
    ],
    ["hs_lastmodifieddate", "datetime", "date", readOnly],
  ],
  notes: [
    ["hs_note_body", "string", "html"],
    ["hs_timestamp", "datetime", "date"],
    ["hs_attachment_ids", "enumeration", "checkbox"],
    ["hs_createdate", "datetime", "date", readOnly],
    ["hs_lastmodifieddate", "datetime", "date", readOnly],
  ],
};

function definitionFrom(
  objectType: TObjectType,
  [name, type, fieldType, extra]: TSeed,
  order: number,
): TPropertyDefinition {
  return {
    name,
    label: name,
    type,
    fieldType,
    groupName: `${OBJECT_TYPE_INFO[objectType].singular}information`,
    description: "",
    options: [],
    displayOrder: order,
    calculated: false,
    externalOptions: false,
    hasUniqueValue: false,
    hidden: false,
    hubspotDefined: true,
    formField: true,
    modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: false },
    archived: false,
    ...extra,
  };
}

/** Per object type: the built-in properties plus the ones created through the API. */
export function createPropertyRegistry(portalId: () => number) {
  const byType = new Map<TObjectType, Map<string, TPropertyDefinition>>();

  function reset(): void {
    byType.clear();
    for (const t of OBJECT_TYPES) {
      const seeds = [...SYSTEM, ...BUILT_IN[t]].filter((s) => !(t === "notes" && s[0] === "createdate"));
      byType.set(t, new Map(seeds.map((s, i) => [s[0], definitionFrom(t, s, i)])));
    }
  }
  reset();

  function list(objectType: TObjectType): TPropertyDefinition[] {
    return [...byType.get(objectType)!.values()].filter((p) => !p.archived);
  }

  function get(objectType: TObjectType, name: string): TPropertyDefinition | undefined {
    const p = byType.get(objectType)!.get(name);
    return p && !p.archived ? p : undefined;
  }

  /** Returns undefined when the name is taken (the caller answers 409). */
  function create(objectType: TObjectType, input: TPropertyCreate): TPropertyDefinition | undefined {
    const props = byType.get(objectType)!;
    if (props.get(input.name)) return undefined;
    const now = new Date().toISOString();
    const def: TPropertyDefinition = {
      name: input.name,
      label: input.label,
      type: input.type,
      fieldType: input.fieldType,
      groupName: input.groupName,
      description: input.description ?? "",
      options: (input.options ?? []).map((o, i) => ({
        label: o.label,
        value: o.value,
        displayOrder: o.displayOrder ?? i,
        hidden: o.hidden ?? false,
        ...(o.description ? { description: o.description } : {}),
      })),
      displayOrder: input.displayOrder ?? -1,
      calculated: false,
      externalOptions: input.externalOptions ?? false,
      hasUniqueValue: input.hasUniqueValue ?? false,
      hidden: input.hidden ?? false,
      formField: input.formField ?? false,
      modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
      createdAt: now,
      updatedAt: now,
      archived: false,
    };
    props.set(def.name, def);
    return def;
  }

  /** Properties whose values must be unique per type: email for contacts, and `hasUniqueValue` ones. */
  function uniqueProperties(objectType: TObjectType): string[] {
    const names = list(objectType)
      .filter((p) => p.hasUniqueValue)
      .map((p) => p.name);
    return objectType === "contacts" ? ["email", ...names] : names;
  }

  /**
   * Validates and normalises input values (the API accepts numbers and booleans and stores strings).
   * `null` or `""` clears a value. Read-only values are dropped silently, as HubSpot does.
   */
  function normalizeValues(
    objectType: TObjectType,
    input: Record<string, unknown>,
  ): { values: Record<string, string | null>; problems: TPropertyProblem[] } {
    const values: Record<string, string | null> = {};
    const problems: TPropertyProblem[] = [];
    for (const [name, raw] of Object.entries(input)) {
      const def = get(objectType, name);
      if (!def) {
        problems.push(
          propertyProblem(portalId(), name, "PROPERTY_DOESNT_EXIST", `Property "${name}" does not exist`),
        );
        continue;
      }
      if (def.modificationMetadata.readOnlyValue) continue;
      if (raw === null || raw === "") {
        values[name] = null;
        continue;
      }
      const value =
        typeof raw === "string"
          ? raw
          : typeof raw === "number" || typeof raw === "boolean"
            ? String(raw)
            : null;
      if (value === null) {
        problems.push(
          propertyProblem(
            portalId(),
            name,
            "INVALID_TYPE",
            `${JSON.stringify(raw)} is not a valid value for ${name}`,
          ),
        );
        continue;
      }
      const checked = checkValue(def, value);
      if (typeof checked === "string") values[name] = checked;
      else problems.push(propertyProblem(portalId(), name, checked.error, checked.message));
    }
    if (objectType === "contacts" && typeof values.email === "string") {
      const email = values.email.trim().toLowerCase();
      if (!EMAIL.test(email)) {
        problems.push(
          propertyProblem(portalId(), "email", "INVALID_EMAIL", `Email address ${values.email} is invalid`),
        );
      } else values.email = email;
    }
    return { values, problems };
  }

  return { list, get, create, uniqueProperties, normalizeValues, reset };
}

export type TPropertyRegistry = ReturnType<typeof createPropertyRegistry>;

const EMAIL = /^[^\s@;,]+@[^\s@;,]+\.[a-z]{2,}$/i;

function checkValue(def: TPropertyDefinition, value: string): string | { error: string; message: string } {
  switch (def.type) {
    case "number":
      return value.trim() !== "" && Number.isFinite(Number(value))
        ? value.trim()
        : { error: "INVALID_DECIMAL", message: `${value} was not a valid number.` };
    case "bool":
      return value === "true" || value === "false"
        ? value
        : { error: "INVALID_BOOLEAN", message: `${value} was not a valid boolean (true or false).` };
    case "date":
    case "datetime": {
      const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
      if (!Number.isFinite(ms)) return { error: "INVALID_DATE", message: `${value} was not a valid date.` };
      const iso = new Date(ms).toISOString();
      return def.type === "date" ? iso.slice(0, 10) : iso;
    }
    case "enumeration": {
      if (def.externalOptions || def.options.length === 0) return value;
      const allowed = new Set(def.options.map((o) => o.value));
      // Multi-select (checkbox) values are `;`-separated.
      const parts = def.fieldType === "checkbox" ? value.split(";").filter((v) => v !== "") : [value];
      const bad = parts.find((p) => !allowed.has(p));
      return bad === undefined
        ? value
        : {
            error: "INVALID_OPTION",
            message: `${bad} was not one of the allowed options: [${[...allowed].join(", ")}]`,
          };
    }
    case "string":
      return value;
  }
}
