import "server-only";
import type { AssociationSpecAssociationCategoryEnum } from "@hubspot/api-client/lib/codegen/crm/objects";
import type { FilterOperatorEnum } from "@hubspot/api-client/lib/codegen/crm/objects";
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

/** Companies whose `property` (domain or name) is one of `values`: lower-cased value → id. Uses the search bucket. */
export async function searchCompaniesBy(
  property: "domain" | "name",
  values: string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < values.length; i += BATCH_SIZE) {
    const chunk = values.slice(i, i + BATCH_SIZE);
    const res = await hubspotCall("search", (c) =>
      c.crm.objects.searchApi.doSearch("companies", {
        filterGroups: [
          { filters: [{ propertyName: property, operator: "IN" as FilterOperatorEnum, values: chunk }] },
        ],
        properties: ["domain", "name"],
        limit: 200,
        after: "0",
        sorts: [],
      }),
    );
    for (const r of res.results) {
      const v = r.properties[property];
      if (v && !found.has(v.toLowerCase())) found.set(v.toLowerCase(), r.id);
    }
  }
  return found;
}
