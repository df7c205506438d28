import { z } from "zod";
import {
  emptyResponse,
  jsonResponse,
  type TRoute,
  type TStandInRequest,
  type TStandInResponse,
} from "../core";
import { describeType, isValidTypeId, pairTypes, typeIdOf } from "./association-store";
import {
  MAX_ASSOCIATION_READ_INPUTS,
  MAX_BATCH_INPUTS,
  batchTooLarge,
  failWith,
  objectNotFound,
  standardError,
  validationError,
  type TStandardError,
} from "./errors";
import { OBJECT_TYPE_INFO, type TObjectType } from "./object-types";
import type { TPortal } from "./portal";
import { parseBody, readLimit, requireObjectType } from "./request-parsing";

const ZId = z.union([z.string(), z.number()]).transform(String);
const ZSpec = z.object({
  associationCategory: z.enum(["HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED"]),
  associationTypeId: z.number().int(),
});
const ZCreate = z.object({
  inputs: z.array(
    z.object({ from: z.object({ id: ZId }), to: z.object({ id: ZId }), types: z.array(ZSpec).min(1) }),
  ),
});
const ZRead = z.object({ inputs: z.array(z.object({ id: ZId, after: z.string().optional() })) });
const ZDefault = z.object({
  inputs: z.array(z.object({ from: z.object({ id: ZId }), to: z.object({ id: ZId }) })),
});
const ZArchive = z.object({
  inputs: z.array(z.object({ from: z.object({ id: ZId }), to: z.array(z.object({ id: ZId })) })),
});

function answer(
  okStatus: number,
  results: unknown[],
  errors: TStandardError[],
  startedAt: string,
): TStandInResponse {
  const completedAt = new Date().toISOString();
  return errors.length === 0
    ? jsonResponse(okStatus, { status: "COMPLETE", results, startedAt, completedAt })
    : jsonResponse(207, {
        status: "COMPLETE",
        results,
        numErrors: errors.length,
        errors,
        startedAt,
        completedAt,
      });
}

function pairOf(req: TStandInRequest): [TObjectType, TObjectType] {
  const from = requireObjectType(req, "fromObjectType");
  const to = requireObjectType(req, "toObjectType");
  if (!pairTypes(from, to)) failWith(validationError(`Associations from ${from} to ${to} are not supported`));
  return [from, to];
}

function missingObject(t: TObjectType, id: string): TStandardError {
  return standardError("OBJECT_NOT_FOUND", `No ${OBJECT_TYPE_INFO[t].singular} with id ${id} exists`, {
    id: [id],
  });
}

/** LabelsBetweenObjectPair: v4 reports ids as numbers and object types by type id. */
function labelsBetween(from: TObjectType, fromId: string, to: TObjectType, toId: string, typeIds: number[]) {
  return {
    fromObjectTypeId: typeIdOf(from),
    fromObjectId: Number(fromId),
    toObjectTypeId: typeIdOf(to),
    toObjectId: Number(toId),
    labels: typeIds.map((id) => describeType(from, to, id).label).filter((l): l is string => l !== null),
  };
}

/** Associations v4: batch create/read/default/archive between contacts, companies, deals, tickets, notes. */
export function createAssociationRoutes(portal: TPortal): TRoute[] {
  const batch = "/crm/v4/associations/:fromObjectType/:toObjectType/batch";
  const exists = (t: TObjectType, id: string) => portal.store.find(t, id) !== undefined;
  return [
    {
      method: "POST",
      path: `${batch}/create`,
      handler: (req) => {
        const [from, to] = pairOf(req);
        const body = parseBody(req, ZCreate);
        if (body.inputs.length > MAX_BATCH_INPUTS) return batchTooLarge();
        const startedAt = new Date().toISOString();
        const results: unknown[] = [];
        const errors: TStandardError[] = [];
        for (const input of body.inputs) {
          const bad = input.types.find((t) => !isValidTypeId(from, to, t.associationTypeId));
          if (bad) {
            errors.push(
              standardError(
                "VALIDATION_ERROR",
                `${bad.associationTypeId} is not a valid association type from ${from} to ${to}`,
                {
                  associationTypeId: [String(bad.associationTypeId)],
                },
              ),
            );
            continue;
          }
          if (!exists(from, input.from.id)) errors.push(missingObject(from, input.from.id));
          else if (!exists(to, input.to.id)) errors.push(missingObject(to, input.to.id));
          else {
            for (const t of input.types)
              portal.associations.associate(from, input.from.id, to, input.to.id, t.associationTypeId);
            results.push(
              labelsBetween(
                from,
                input.from.id,
                to,
                input.to.id,
                input.types.map((t) => t.associationTypeId),
              ),
            );
          }
        }
        return answer(201, results, errors, startedAt);
      },
    },
    {
      method: "POST",
      path: `${batch}/associate/default`,
      handler: (req) => {
        const [from, to] = pairOf(req);
        const body = parseBody(req, ZDefault);
        if (body.inputs.length > MAX_BATCH_INPUTS) return batchTooLarge();
        const startedAt = new Date().toISOString();
        const typeId = pairTypes(from, to)!.unlabeled;
        const results: unknown[] = [];
        const errors: TStandardError[] = [];
        for (const { from: f, to: t } of body.inputs) {
          if (!exists(from, f.id)) errors.push(missingObject(from, f.id));
          else if (!exists(to, t.id)) errors.push(missingObject(to, t.id));
          else {
            portal.associations.associate(from, f.id, to, t.id, typeId);
            results.push({
              from: { id: f.id },
              to: { id: t.id },
              associationSpec: { associationCategory: "HUBSPOT_DEFINED", associationTypeId: typeId },
            });
          }
        }
        return answer(200, results, errors, startedAt);
      },
    },
    {
      method: "POST",
      path: `${batch}/read`,
      write: false,
      handler: (req) => {
        const [from, to] = pairOf(req);
        const body = parseBody(req, ZRead);
        if (body.inputs.length > MAX_ASSOCIATION_READ_INPUTS)
          return batchTooLarge(MAX_ASSOCIATION_READ_INPUTS);
        const startedAt = new Date().toISOString();
        const results: unknown[] = [];
        const errors: TStandardError[] = [];
        for (const { id } of body.inputs) {
          const linked = portal.associations.list(from, id, to);
          if (linked.length === 0) {
            errors.push(
              standardError(
                "OBJECT_NOT_FOUND",
                `No ${OBJECT_TYPE_INFO[to].singular} is associated with ${OBJECT_TYPE_INFO[from].singular} ${id}.`,
                { fromObjectId: [id], fromObjectType: [typeIdOf(from)], toObjectType: [typeIdOf(to)] },
                "crm.associations.NO_ASSOCIATIONS_FOUND",
              ),
            );
            continue;
          }
          results.push({
            from: { id },
            to: linked.map((l) => ({ toObjectId: Number(l.toId), associationTypes: l.types })),
          });
        }
        return answer(200, results, errors, startedAt);
      },
    },
    {
      method: "POST",
      path: `${batch}/archive`,
      handler: (req) => {
        const [from, to] = pairOf(req);
        const body = parseBody(req, ZArchive);
        if (body.inputs.length > MAX_BATCH_INPUTS) return batchTooLarge();
        for (const input of body.inputs)
          for (const t of input.to) portal.associations.remove(from, input.from.id, to, t.id);
        return emptyResponse(204);
      },
    },
    {
      method: "GET",
      path: "/crm/v4/objects/:fromObjectType/:objectId/associations/:toObjectType",
      handler: (req) => {
        const [from, to] = pairOf(req);
        const limit = readLimit(req, 500, 500);
        const all = portal.associations.list(from, req.params.objectId!, to);
        const after = req.query.get("after");
        const start = after ? all.findIndex((a) => Number(a.toId) >= Number(after)) : 0;
        const page = start < 0 ? [] : all.slice(start, start + limit);
        const next = start < 0 ? undefined : all[start + limit];
        return jsonResponse(200, {
          results: page.map((a) => ({ toObjectId: Number(a.toId), associationTypes: a.types })),
          ...(next ? { paging: { next: { after: next.toId } } } : {}),
        });
      },
    },
    {
      method: "PUT",
      path: "/crm/v4/objects/:fromObjectType/:fromObjectId/associations/default/:toObjectType/:toObjectId",
      handler: (req) => {
        const [from, to] = pairOf(req);
        const { fromObjectId, toObjectId } = req.params as { fromObjectId: string; toObjectId: string };
        if (!exists(from, fromObjectId)) return objectNotFound(fromObjectId);
        if (!exists(to, toObjectId)) return objectNotFound(toObjectId);
        const typeId = pairTypes(from, to)!.unlabeled;
        portal.associations.associate(from, fromObjectId, to, toObjectId, typeId);
        return answer(
          200,
          [
            {
              from: { id: fromObjectId },
              to: { id: toObjectId },
              associationSpec: { associationCategory: "HUBSPOT_DEFINED", associationTypeId: typeId },
            },
          ],
          [],
          new Date().toISOString(),
        );
      },
    },
    {
      method: "DELETE",
      path: "/crm/v4/objects/:fromObjectType/:objectId/associations/:toObjectType/:toObjectId",
      handler: (req) => {
        const [from, to] = pairOf(req);
        portal.associations.remove(from, req.params.objectId!, to, req.params.toObjectId!);
        return emptyResponse(204);
      },
    },
  ];
}
