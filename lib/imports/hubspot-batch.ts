import "server-only";
import type {
  AssociationSpecAssociationCategoryEnum,
  FilterOperatorEnum,
} from "@hubspot/api-client/lib/codegen/crm/objects";
import { hubspotCall } from "@/lib/connectors/hubspot/client";
import type { TImportObject } from "@/lib/imports/types";

/**
 * The HubSpot batch calls an import makes, each one governed request of ≤ 100 inputs. Writes carry
 * `objectWriteTraceId` (our row id), so HubSpot writes the good inputs and answers 207 naming the
 * bad ones, instead of refusing the whole batch for one bad row.
 */

export const BATCH_SIZE = 100;

/** HubSpot-defined association type ids (v4): contact→company, ticket→contact. */
export const ASSOCIATION_TYPES = {
  contactToCompany: { to: "companies", typeId: 279 },
  ticketToContact: { to: "contacts", typeId: 16 },
} as const;

const spec = (typeId: number) => [
  {
    associationCategory: "HUBSPOT_DEFINED" as AssociationSpecAssociationCategoryEnum,
    associationTypeId: typeId,
  },
];

export interface TWriteInput {
  traceId: string;
  properties: Record<string, string>;
  /** For creates: the record to associate with inline (same call). */
  associateTo?: { id: string; typeId: number };
}

export type TWriteResult =
  | { ok: true; id: string; created: boolean }
  | { ok: false; message: string; /** "Existing ID: n" from a uniqueness conflict. */ existingId?: string };

interface TBatchError {
  message: string;
  category?: string;
  context?: Record<string, string[] | undefined>;
}

function collect(
  inputs: { traceId: string }[],
  results: { id: string; objectWriteTraceId?: string }[],
  errors: TBatchError[] | undefined,
  created: boolean,
): Map<string, TWriteResult> {
  const out = new Map<string, TWriteResult>();
  for (const r of results)
    if (r.objectWriteTraceId) out.set(r.objectWriteTraceId, { ok: true, id: r.id, created });
  for (const e of errors ?? []) {
    const existingId = /Existing ID: (\d+)/.exec(e.message)?.[1];
    for (const traceId of e.context?.objectWriteTraceId ?? [])
      out.set(traceId, { ok: false, message: e.message, existingId });
  }
  // Results without a trace id (older API versions): pair by order among the inputs not yet answered.
  const unanswered = inputs.filter((i) => !out.has(i.traceId));
  const untraced = results.filter((r) => !r.objectWriteTraceId);
  unanswered.forEach((i, n) => {
    const r = untraced[n];
    out.set(
      i.traceId,
      r ? { ok: true, id: r.id, created } : { ok: false, message: "HubSpot did not answer for this row" },
    );
  });
  return out;
}

export async function batchCreate(
  object: TImportObject,
  inputs: TWriteInput[],
): Promise<Map<string, TWriteResult>> {
  if (inputs.length === 0) return new Map();
  const res = await hubspotCall("default", (c) =>
    c.crm.objects.batchApi.create(object, {
      inputs: inputs.map((i) => ({
        properties: i.properties,
        objectWriteTraceId: i.traceId,
        associations: i.associateTo
          ? [{ to: { id: i.associateTo.id }, types: spec(i.associateTo.typeId) }]
          : [],
      })),
    }),
  );
  return collect(inputs, res.results, "errors" in res ? res.errors : undefined, true);
}

export async function batchUpdate(
  object: TImportObject,
  inputs: (TWriteInput & { id: string })[],
): Promise<Map<string, TWriteResult>> {
  if (inputs.length === 0) return new Map();
  const res = await hubspotCall("default", (c) =>
    c.crm.objects.batchApi.update(object, {
      inputs: inputs.map((i) => ({ id: i.id, properties: i.properties, objectWriteTraceId: i.traceId })),
    }),
  );
  return collect(inputs, res.results, "errors" in res ? res.errors : undefined, false);
}

/**
 * Creates or updates by a unique property (contacts: email; anything: revbridge_import_key), the
 * id being that property's value. HubSpot says per record whether it was new.
 */
export async function batchUpsert(
  object: TImportObject,
  idProperty: string,
  inputs: (TWriteInput & { idValue: string })[],
): Promise<Map<string, TWriteResult>> {
  if (inputs.length === 0) return new Map();
  const res = await hubspotCall("default", (c) =>
    c.crm.objects.batchApi.upsert(object, {
      inputs: inputs.map((i) => ({
        idProperty,
        id: i.idValue,
        properties: i.properties,
        objectWriteTraceId: i.traceId,
      })),
    }),
  );
  const out = collect(inputs, res.results, "errors" in res ? res.errors : undefined, false);
  for (const r of res.results)
    if (r.objectWriteTraceId) out.set(r.objectWriteTraceId, { ok: true, id: r.id, created: r._new });
  return out;
}

/** Creates associations (idempotent: associating twice keeps one). Returns the failures' messages by from-id. */
export async function batchAssociate(
  from: TImportObject,
  to: TImportObject,
  pairs: { fromId: string; toId: string; typeId: number }[],
): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  for (let i = 0; i < pairs.length; i += BATCH_SIZE) {
    const chunk = pairs.slice(i, i + BATCH_SIZE);
    const res = await hubspotCall("default", (c) =>
      c.crm.associations.v4.batchApi.create(from, to, {
        inputs: chunk.map((p) => ({ _from: { id: p.fromId }, to: { id: p.toId }, types: spec(p.typeId) })),
      }),
    );
    for (const e of ("errors" in res ? (res.errors as TBatchError[]) : undefined) ?? []) {
      for (const id of e.context?.fromObjectId ?? e.context?.ids ?? []) failures.set(id, e.message);
    }
  }
  return failures;
}

/**
 * HubSpot's limit for an associations batch read: 1,000 records a request (developer changelog,
 * "Batch Read Limit for HubSpot Associations API", February 2025); writes stay at 100.
 */
export const ASSOCIATION_READ_BATCH = 1000;

/**
 * Which of `fromIds` are already associated with which records of `to` by `typeId`:
 * `${fromId}:${toId}` pairs. Records with no association come back as per-record errors (207),
 * which just means "none". Only the first page of each record's associations is read: a pair not
 * seen is associated again, which is harmless (associating twice keeps one).
 */
export async function batchReadAssociations(
  from: TImportObject,
  to: TImportObject,
  fromIds: string[],
  typeId: number,
): Promise<Set<string>> {
  const pairs = new Set<string>();
  for (let i = 0; i < fromIds.length; i += ASSOCIATION_READ_BATCH) {
    const chunk = fromIds.slice(i, i + ASSOCIATION_READ_BATCH);
    const res = await hubspotCall("default", (c) =>
      c.crm.associations.v4.batchApi.getPage(from, to, { inputs: chunk.map((id) => ({ id })) }),
    );
    for (const r of res.results)
      for (const link of r.to)
        if (link.associationTypes.some((t) => t.typeId === typeId))
          pairs.add(`${r._from.id}:${link.toObjectId}`);
  }
  return pairs;
}

/** Existing records by a unique property (contacts by e-mail, anything by revbridge_import_key): value → id. */
export async function batchReadBy(
  object: TImportObject,
  idProperty: string,
  values: string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < values.length; i += BATCH_SIZE) {
    const chunk = values.slice(i, i + BATCH_SIZE);
    const res = await hubspotCall("default", (c) =>
      c.crm.objects.batchApi.read(object, {
        inputs: chunk.map((id) => ({ id })),
        idProperty,
        properties: [idProperty],
        propertiesWithHistory: [],
      }),
    );
    for (const r of res.results) {
      const v = r.properties[idProperty];
      if (v) found.set(v.toLowerCase(), r.id);
    }
  }
  return found;
}

/**
 * HubSpot search: an IN filter takes up to 100 values and a request up to 5 filter groups (OR-ed),
 * so one search asks about 500 values; a page holds at most 200 results.
 */
const SEARCH_VALUES_PER_FILTER = 100;
const SEARCH_GROUPS = 5;
const SEARCH_PAGE = 200;

type TFilterGroup = { filters: { propertyName: string; operator: FilterOperatorEnum; values: string[] }[] };

function searchCompaniesPage(filterGroups: TFilterGroup[], after: string) {
  return hubspotCall("search", (c) =>
    c.crm.objects.searchApi.doSearch("companies", {
      filterGroups,
      properties: ["domain", "name"],
      limit: SEARCH_PAGE,
      after,
      sorts: [],
    }),
  );
}

/**
 * Companies whose `property` (domain or name) is one of `values`: lower-cased value → id (the
 * first found). Uses the search bucket (4/s), so it asks about 500 values per request.
 */
export async function searchCompaniesBy(
  property: "domain" | "name",
  values: string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const perRequest = SEARCH_VALUES_PER_FILTER * SEARCH_GROUPS;
  for (let i = 0; i < values.length; i += perRequest) {
    const chunk = values.slice(i, i + perRequest);
    const filterGroups: TFilterGroup[] = [];
    for (let g = 0; g < chunk.length; g += SEARCH_VALUES_PER_FILTER) {
      const groupValues = chunk.slice(g, g + SEARCH_VALUES_PER_FILTER);
      filterGroups.push({
        filters: [{ propertyName: property, operator: "IN" as FilterOperatorEnum, values: groupValues }],
      });
    }
    let after: string | undefined = "0";
    do {
      const res = await searchCompaniesPage(filterGroups, after);
      for (const r of res.results) {
        const v = r.properties[property];
        if (v && !found.has(v.toLowerCase())) found.set(v.toLowerCase(), r.id);
      }
      after = res.paging?.next?.after;
    } while (after !== undefined);
  }
  return found;
}
