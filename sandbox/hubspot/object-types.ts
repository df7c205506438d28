/**
 * The CRM object types the stand-in serves, with the names HubSpot accepts in paths (plural, singular,
 * type id) and the properties it returns when none are asked for.
 */
export const OBJECT_TYPES = ["contacts", "companies", "deals", "tickets", "notes"] as const;
export type TObjectType = (typeof OBJECT_TYPES)[number];

interface TObjectTypeInfo {
  typeId: string;
  singular: string;
  /** Upper-case name HubSpot uses in some messages (`Could not get some CONTACT objects`). */
  label: string;
  /** Contacts predate the `hs_` prefix; every other object uses `hs_lastmodifieddate`. */
  lastModifiedProperty: string;
  defaultProperties: readonly string[];
  /** Free-text `query` in search looks at these. */
  queryProperties: readonly string[];
  /** Where this type's numeric ids start, so ids of different types are easy to tell apart in logs. */
  firstId: number;
}

export const OBJECT_TYPE_INFO: Record<TObjectType, TObjectTypeInfo> = {
  contacts: {
    typeId: "0-1",
    singular: "contact",
    label: "CONTACT",
    lastModifiedProperty: "lastmodifieddate",
    defaultProperties: ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"],
    queryProperties: ["firstname", "lastname", "email", "phone", "company"],
    firstId: 101,
  },
  companies: {
    typeId: "0-2",
    singular: "company",
    label: "COMPANY",
    lastModifiedProperty: "hs_lastmodifieddate",
    defaultProperties: ["createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"],
    queryProperties: ["name", "domain", "website", "phone"],
    firstId: 20_001,
  },
  deals: {
    typeId: "0-3",
    singular: "deal",
    label: "DEAL",
    lastModifiedProperty: "hs_lastmodifieddate",
    defaultProperties: [
      "amount",
      "closedate",
      "createdate",
      "dealname",
      "dealstage",
      "hs_lastmodifieddate",
      "hs_object_id",
      "pipeline",
    ],
    queryProperties: ["dealname"],
    firstId: 30_001,
  },
  tickets: {
    typeId: "0-5",
    singular: "ticket",
    label: "TICKET",
    lastModifiedProperty: "hs_lastmodifieddate",
    defaultProperties: [
      "content",
      "createdate",
      "hs_lastmodifieddate",
      "hs_object_id",
      "hs_pipeline",
      "hs_pipeline_stage",
      "hs_ticket_category",
      "hs_ticket_priority",
      "subject",
    ],
    queryProperties: ["subject", "content"],
    firstId: 40_001,
  },
  notes: {
    typeId: "0-46",
    singular: "note",
    label: "NOTE",
    lastModifiedProperty: "hs_lastmodifieddate",
    defaultProperties: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
    queryProperties: ["hs_note_body"],
    firstId: 50_001,
  },
};

/** `contacts`, `contact`, `CONTACTS` and `0-1` all name the same type, as on HubSpot. */
export function resolveObjectType(name: string): TObjectType | undefined {
  const n = name.toLowerCase();
  for (const t of OBJECT_TYPES) {
    const info = OBJECT_TYPE_INFO[t];
    if (n === t || n === info.singular || n === info.typeId) return t;
  }
  return undefined;
}
