/**
 * What the warehouse reads of each HubSpot object type and how a HubSpot record becomes a staging
 * row. Pure (no I/O) so the mapping is unit-tested on its own.
 */

/** HubSpot's lifecycle stages the funnel follows, in order (internal values). */
export const LIFECYCLE_STAGES = [
  "lead",
  "marketingqualifiedlead",
  "salesqualifiedlead",
  "opportunity",
  "customer",
] as const;

export const WAREHOUSE_OBJECT_TYPES = ["companies", "contacts", "deals"] as const;
export type TWarehouseObjectType = (typeof WAREHOUSE_OBJECT_TYPES)[number];

/** A record as the SDK returns it from list, search or batch read (properties are strings). */
export interface THubspotRecord {
  id: string;
  properties: Record<string, string | null | undefined>;
  createdAt?: Date | string;
  updatedAt?: Date | string;
  archived?: boolean;
  /** Inline associations of the list endpoint: `{ companies: { results: [{ id, type }] } }`. */
  associations?: Record<string, { results?: { id: string; type?: string }[] } | undefined>;
}

interface TObjectConfig {
  /** The last-modified property search filters and sorts on (contacts differ from the rest). */
  modifiedProperty: string;
  properties: readonly string[];
  /** Association targets read for records of this type (stored as this type → target). */
  associationTargets: readonly TWarehouseObjectType[];
}

export const OBJECT_CONFIG: Record<TWarehouseObjectType, TObjectConfig> = {
  contacts: {
    modifiedProperty: "lastmodifieddate",
    properties: [
      "email",
      "firstname",
      "lastname",
      "lifecyclestage",
      "createdate",
      "lastmodifieddate",
      "hs_merged_object_ids",
      // When each lifecycle stage was reached (HubSpot maintains these): the funnel's stage times.
      ...LIFECYCLE_STAGES.map((s) => `hs_lifecyclestage_${s}_date`),
    ],
    associationTargets: ["companies"],
  },
  companies: {
    modifiedProperty: "hs_lastmodifieddate",
    properties: ["name", "domain", "createdate", "hs_lastmodifieddate", "hs_merged_object_ids"],
    associationTargets: [],
  },
  deals: {
    modifiedProperty: "hs_lastmodifieddate",
    properties: [
      "dealname",
      "amount",
      "deal_currency_code",
      "dealstage",
      "pipeline",
      "closedate",
      "createdate",
      "hs_lastmodifieddate",
      "hs_merged_object_ids",
    ],
    associationTargets: ["companies", "contacts"],
  },
};

/** Properties to request: the typed ones plus the portal's configured WeChat properties on contacts. */
export function propertiesFor(type: TWarehouseObjectType, extra: readonly string[] = []): string[] {
  return [...new Set([...OBJECT_CONFIG[type].properties, ...extra])];
}

function text(v: string | null | undefined): string | null {
  if (v === undefined || v === null) return null;
  const t = v.trim();
  return t === "" ? null : t;
}

/** HubSpot dates arrive as ISO strings or epoch milliseconds. */
export function parseHubspotDate(v: string | null | undefined): Date | null {
  const t = text(v);
  if (!t) return null;
  const d = /^\d+$/.test(t) ? new Date(Number(t)) : new Date(t);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A decimal string HubSpot accepts ("1200", "1200.50"); anything else is "no amount". */
export function parseAmount(v: string | null | undefined): string | null {
  const t = text(v)?.replace(/,/g, "");
  if (!t || !/^-?\d+(\.\d+)?$/.test(t)) return null;
  return t;
}

/** `hs_merged_object_ids` is `;`-separated ids of the records merged into this one. */
export function mergedIds(record: THubspotRecord): string[] {
  const t = text(record.properties.hs_merged_object_ids);
  return t
    ? t
        .split(";")
        .map((s) => s.trim())
        .filter((s) => s && s !== record.id)
    : [];
}

function lastModified(type: TWarehouseObjectType, r: THubspotRecord): Date | null {
  const fromProp = parseHubspotDate(r.properties[OBJECT_CONFIG[type].modifiedProperty]);
  if (fromProp) return fromProp;
  return r.updatedAt ? new Date(r.updatedAt) : null;
}

/** The raw JSON kept beside the typed columns: everything HubSpot sent, dates as ISO strings. */
function rawOf(r: THubspotRecord): string {
  return JSON.stringify({
    id: r.id,
    properties: r.properties,
    createdAt: r.createdAt ? new Date(r.createdAt).toISOString() : null,
    updatedAt: r.updatedAt ? new Date(r.updatedAt).toISOString() : null,
    archived: r.archived ?? false,
    ...(r.associations ? { associations: r.associations } : {}),
  });
}

export interface TContactRow {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  lifecycleStage: string | null;
  wechatCode: string | null;
  wechatOpenid: string | null;
  createdAt: Date | null;
  lastModifiedAt: Date | null;
  archived: boolean;
  raw: string;
}

export interface TCompanyRow {
  id: string;
  name: string | null;
  domain: string | null;
  lastModifiedAt: Date | null;
  archived: boolean;
  raw: string;
}

export interface TDealRow {
  id: string;
  name: string | null;
  amount: string | null;
  currency: string | null;
  stage: string | null;
  closeDate: Date | null;
  lastModifiedAt: Date | null;
  archived: boolean;
  raw: string;
}

export function toContactRow(r: THubspotRecord, props: { code: string; openid: string }): TContactRow {
  return {
    id: r.id,
    email: text(r.properties.email),
    firstName: text(r.properties.firstname),
    lastName: text(r.properties.lastname),
    lifecycleStage: text(r.properties.lifecyclestage),
    wechatCode: text(r.properties[props.code]),
    wechatOpenid: text(r.properties[props.openid]),
    createdAt: parseHubspotDate(r.properties.createdate) ?? (r.createdAt ? new Date(r.createdAt) : null),
    lastModifiedAt: lastModified("contacts", r),
    archived: r.archived ?? false,
    raw: rawOf(r),
  };
}

export function toCompanyRow(r: THubspotRecord): TCompanyRow {
  return {
    id: r.id,
    name: text(r.properties.name),
    domain: text(r.properties.domain),
    lastModifiedAt: lastModified("companies", r),
    archived: r.archived ?? false,
    raw: rawOf(r),
  };
}

/** `portalCurrency` is the account's company currency: HubSpot leaves deal_currency_code empty for it. */
export function toDealRow(r: THubspotRecord, portalCurrency: string): TDealRow {
  return {
    id: r.id,
    name: text(r.properties.dealname),
    amount: parseAmount(r.properties.amount),
    currency: (text(r.properties.deal_currency_code) ?? portalCurrency).toUpperCase(),
    stage: text(r.properties.dealstage),
    closeDate: parseHubspotDate(r.properties.closedate),
    lastModifiedAt: lastModified("deals", r),
    archived: r.archived ?? false,
    raw: rawOf(r),
  };
}

/** Inline associations of a list-endpoint record, as `toType → ids` (deduplicated). */
export function inlineAssociations(
  r: THubspotRecord,
  targets: readonly TWarehouseObjectType[],
): Map<TWarehouseObjectType, string[]> {
  const out = new Map<TWarehouseObjectType, string[]>();
  for (const t of targets) {
    const ids = r.associations?.[t]?.results?.map((a) => String(a.id)) ?? [];
    out.set(t, [...new Set(ids)]);
  }
  return out;
}
