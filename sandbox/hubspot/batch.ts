import { z } from "zod";
import { HttpResponseError, emptyResponse, jsonResponse, type TRoute, type TStandInResponse } from "../core";
import {
  MAX_BATCH_INPUTS,
  batchTooLarge,
  failWith,
  hubspotError,
  standardError,
  validationError,
  type THubspotErrorBody,
  type TStandardError,
} from "./errors";
import { OBJECT_TYPE_INFO, type TObjectType } from "./object-types";
import {
  ZInlineAssociation,
  ZPropertyValues,
  apiSource,
  checkIdProperty,
  resolveInlineAssociations,
} from "./objects";
import type { TPortal } from "./portal";
import { parseBody, readBoolean, requireObjectType } from "./request-parsing";
import { toApiObject } from "./serialize";
import type { TCrmRecord } from "./store";

const ZId = z.union([z.string(), z.number()]).transform(String);
const inputs = <T extends z.ZodType>(item: T) => z.object({ inputs: z.array(item) });

const ZCreate = inputs(
  z.object({
    properties: ZPropertyValues,
    associations: z.array(ZInlineAssociation).optional(),
    objectWriteTraceId: z.string().optional(),
  }),
);
const ZRead = z.object({
  inputs: z.array(z.object({ id: ZId })),
  properties: z.array(z.string()).optional(),
  propertiesWithHistory: z.array(z.string()).optional(),
  idProperty: z.string().optional(),
});
const ZUpdate = inputs(
  z.object({
    id: ZId,
    idProperty: z.string().optional(),
    properties: ZPropertyValues,
    objectWriteTraceId: z.string().optional(),
  }),
);
const ZUpsert = inputs(
  z.object({
    id: ZId,
    idProperty: z.string(),
    properties: ZPropertyValues,
    objectWriteTraceId: z.string().optional(),
  }),
);
const ZArchive = inputs(z.object({ id: ZId }));

/** HubSpot refuses `propertiesWithHistory` reads of more than 50 records at once. */
const MAX_HISTORY_INPUTS = 50;

function checkSize(n: number): void {
  if (n > MAX_BATCH_INPUTS) failWith(batchTooLarge());
}

function batchAnswer(
  status: number,
  results: unknown[],
  errors: TStandardError[],
  startedAt: string,
): TStandInResponse {
  const completedAt = new Date().toISOString();
  if (errors.length === 0)
    return jsonResponse(status, { status: "COMPLETE", results, startedAt, completedAt });
  return jsonResponse(207, {
    status: "COMPLETE",
    results,
    numErrors: errors.length,
    errors,
    startedAt,
    completedAt,
  });
}

/** A single-request error turned into one batch item's error, tagged with the input's trace id. */
function asItemError(response: TStandInResponse, traceId: string | undefined): TStandardError {
  const body = response.body as THubspotErrorBody;
  return standardError(body.category, body.message, traceId ? { objectWriteTraceId: [traceId] } : {});
}

/**
 * HubSpot's batch semantics: without `objectWriteTraceId` one bad input fails the whole batch and
 * nothing is written; with trace ids the good inputs are written and the bad ones come back as
 * errors in a 207 multi-status answer.
 */
function runWrites<I extends { objectWriteTraceId?: string }>(
  items: I[],
  check: (item: I, index: number) => TStandInResponse | undefined,
  write: (item: I) => { ok: true; result: unknown } | { ok: false; response: TStandInResponse },
  okStatus: number,
): TStandInResponse {
  const startedAt = new Date().toISOString();
  const multiStatus = items.some((i) => i.objectWriteTraceId !== undefined);
  const failures = items.map((item, i) => check(item, i));
  const firstFailure = failures.find((f) => f !== undefined);
  if (firstFailure && !multiStatus) return firstFailure;
  const results: unknown[] = [];
  const errors: TStandardError[] = [];
  items.forEach((item, i) => {
    const failure = failures[i];
    if (failure) return void errors.push(asItemError(failure, item.objectWriteTraceId));
    const written = write(item);
    if (written.ok) results.push(written.result);
    else errors.push(asItemError(written.response, item.objectWriteTraceId));
  });
  return batchAnswer(okStatus, results, errors, startedAt);
}

/** Unique values must also differ between inputs of the same batch. */
function createInBatchUniqueness(portal: TPortal, t: TObjectType) {
  const seen = new Map<string, Set<string>>();
  return (values: Record<string, string | null>): TStandInResponse | undefined => {
    for (const prop of portal.registry.uniqueProperties(t)) {
      const v = values[prop]?.toLowerCase();
      if (!v) continue;
      const set = seen.get(prop) ?? new Set<string>();
      seen.set(prop, set);
      if (set.has(v)) return validationError(`Duplicate ${prop} value in batch input: ${v}`);
      set.add(v);
    }
    return undefined;
  };
}

export function createBatchRoutes(portal: TPortal): TRoute[] {
  const base = "/crm/v3/objects/:objectType/batch";
  const by = () => apiSource(portal);
  return [
    {
      method: "POST",
      path: `${base}/create`,
      handler: (req) => {
        const t = requireObjectType(req);
        const body = parseBody(req, ZCreate);
        checkSize(body.inputs.length);
        const unique = createInBatchUniqueness(portal, t);
        return runWrites(
          body.inputs,
          (item) => {
            const links = answerOf(
              () => item.associations && resolveInlineAssociations(portal, t, item.associations),
            );
            if (links) return links;
            const checked = portal.store.validate(t, item.properties, undefined, true);
            return checked.ok ? unique(checked.values) : checked.response;
          },
          (item) => {
            const links = item.associations ? resolveInlineAssociations(portal, t, item.associations) : [];
            const res = portal.store.create(t, item.properties, by().source, by().sourceId);
            if (!res.ok) return res;
            for (const l of links) portal.associations.associate(t, res.record.id, l.to, l.toId, l.typeId);
            return { ok: true, result: withTrace(toApiObject(portal, res.record), item.objectWriteTraceId) };
          },
          201,
        );
      },
    },
    {
      method: "POST",
      path: `${base}/read`,
      write: false,
      handler: (req) => {
        const t = requireObjectType(req);
        const body = parseBody(req, ZRead);
        checkSize(body.inputs.length);
        if ((body.propertiesWithHistory?.length ?? 0) > 0 && body.inputs.length > MAX_HISTORY_INPUTS) {
          failWith(
            validationError(
              `The maximum number of inputs supported in a batch request for property histories is ${MAX_HISTORY_INPUTS}. Please reduce the number of items and try again`,
            ),
          );
        }
        checkIdProperty(portal, t, body.idProperty);
        const startedAt = new Date().toISOString();
        const archived = readBoolean(req, "archived");
        const found: TCrmRecord[] = [];
        const missing: string[] = [];
        for (const { id } of body.inputs) {
          const r = portal.store.find(t, id, body.idProperty, archived);
          if (r) found.push(r);
          else missing.push(id);
        }
        const opts = { properties: body.properties, propertiesWithHistory: body.propertiesWithHistory };
        const errors = missing.length
          ? [
              standardError(
                "OBJECT_NOT_FOUND",
                `Could not get some ${OBJECT_TYPE_INFO[t].label} objects, they may be deleted or not exist. Check that ids are valid.`,
                { ids: missing },
              ),
            ]
          : [];
        return batchAnswer(
          200,
          found.map((r) => toApiObject(portal, r, opts)),
          errors,
          startedAt,
        );
      },
    },
    {
      method: "POST",
      path: `${base}/update`,
      handler: (req) => {
        const t = requireObjectType(req);
        const body = parseBody(req, ZUpdate);
        checkSize(body.inputs.length);
        const unique = createInBatchUniqueness(portal, t);
        const target = (item: (typeof body.inputs)[number]) => {
          checkIdProperty(portal, t, item.idProperty);
          return portal.store.find(t, item.id, item.idProperty);
        };
        return runWrites(
          body.inputs,
          (item) => {
            const r = target(item);
            if (!r) return notFoundItem(t, item.id);
            const checked = portal.store.validate(t, item.properties, r.id, false);
            return checked.ok ? unique(checked.values) : checked.response;
          },
          (item) => {
            const res = portal.store.update(target(item)!, item.properties, by().source, by().sourceId);
            return res.ok
              ? { ok: true, result: withTrace(toApiObject(portal, res.record), item.objectWriteTraceId) }
              : res;
          },
          200,
        );
      },
    },
    {
      method: "POST",
      path: `${base}/upsert`,
      handler: (req) => {
        const t = requireObjectType(req);
        const body = parseBody(req, ZUpsert);
        checkSize(body.inputs.length);
        for (const item of body.inputs) checkIdProperty(portal, t, item.idProperty);
        const unique = createInBatchUniqueness(portal, t);
        // The id is the value of idProperty; a new record gets it as that property's value.
        const withId = (item: (typeof body.inputs)[number]) => ({
          ...item.properties,
          [item.idProperty]: item.id,
        });
        return runWrites(
          body.inputs,
          (item) => {
            const existing = portal.store.find(t, item.id, item.idProperty);
            const checked = portal.store.validate(t, withId(item), existing?.id, !existing);
            return checked.ok ? unique(checked.values) : checked.response;
          },
          (item) => {
            const existing = portal.store.find(t, item.id, item.idProperty);
            const res = existing
              ? portal.store.update(existing, item.properties, by().source, by().sourceId)
              : portal.store.create(t, withId(item), by().source, by().sourceId);
            if (!res.ok) return res;
            return {
              ok: true,
              result: {
                ...withTrace(toApiObject(portal, res.record), item.objectWriteTraceId),
                new: !existing,
              },
            };
          },
          200,
        );
      },
    },
    {
      method: "POST",
      path: `${base}/archive`,
      handler: (req) => {
        const t = requireObjectType(req);
        const body = parseBody(req, ZArchive);
        checkSize(body.inputs.length);
        for (const { id } of body.inputs) {
          const r = portal.store.find(t, id);
          if (r) portal.store.archive(r, by().source, by().sourceId);
        }
        return emptyResponse(204);
      },
    },
  ];
}

function withTrace(obj: Record<string, unknown>, traceId: string | undefined): Record<string, unknown> {
  return traceId ? { ...obj, objectWriteTraceId: traceId } : obj;
}

function notFoundItem(t: TObjectType, id: string): TStandInResponse {
  return hubspotError(
    404,
    "OBJECT_NOT_FOUND",
    `Could not get some ${OBJECT_TYPE_INFO[t].label} objects, they may be deleted or not exist. Check that ids are valid.`,
    { context: { ids: [id] } },
  );
}

/** Runs a check that answers by throwing (HttpResponseError) and returns that answer instead. */
function answerOf(check: () => void): TStandInResponse | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof HttpResponseError) return error.response;
    throw error;
  }
}
