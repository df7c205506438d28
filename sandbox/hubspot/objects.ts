import { z } from "zod";
import {
  emptyResponse,
  jsonResponse,
  type TRoute,
  type TStandInRequest,
  type TStandInResponse,
} from "../core";
import { isValidTypeId } from "./association-store";
import { failWith, hubspotError, objectNotFound, validationError } from "./errors";
import { OBJECT_TYPES, OBJECT_TYPE_INFO, type TObjectType } from "./object-types";
import type { TPortal } from "./portal";
import { parseBody, readBoolean, readLimit, requireObjectType } from "./request-parsing";
import { readOptionsFromQuery, toApiObject } from "./serialize";
import type { TChangeSource, TCrmRecord } from "./store";

export const ZPropertyValues = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const ZInlineAssociation = z.object({
  to: z.object({ id: z.union([z.string(), z.number()]).transform(String) }),
  types: z
    .array(
      z.object({
        associationCategory: z.enum(["HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED"]),
        associationTypeId: z.number().int(),
      }),
    )
    .min(1),
});

const ZCreateInput = z.object({
  properties: ZPropertyValues,
  associations: z.array(ZInlineAssociation).optional(),
});

const ZUpdateInput = z.object({ properties: ZPropertyValues });

const ZMergeInput = z.object({
  primaryObjectId: z.union([z.string(), z.number()]).transform(String),
  objectIdToMerge: z.union([z.string(), z.number()]).transform(String),
});

/** Writes through the API come from the app: HubSpot reports them as INTEGRATION with the app id. */
export function apiSource(portal: TPortal): { source: TChangeSource; sourceId: string } {
  return { source: "INTEGRATION", sourceId: String(portal.settings().appId) };
}

/** `idProperty` must name a unique property (email for contacts, or one with hasUniqueValue). */
export function checkIdProperty(portal: TPortal, t: TObjectType, idProperty: string | undefined): void {
  if (idProperty === undefined || idProperty === "hs_object_id") return;
  if (!portal.registry.uniqueProperties(t).includes(idProperty)) {
    failWith(validationError(`Property ${idProperty} is not a unique identifier property for ${t}`));
  }
}

/**
 * Inline associations on create name only the target id and a type id; the type id says which object
 * type the target is. Every target must exist.
 */
export function resolveInlineAssociations(
  portal: TPortal,
  from: TObjectType,
  inputs: z.infer<typeof ZInlineAssociation>[],
): { to: TObjectType; toId: string; typeId: number }[] {
  return inputs.flatMap((a) =>
    a.types.map((type) => {
      const to = OBJECT_TYPES.find((t) => isValidTypeId(from, t, type.associationTypeId));
      if (!to)
        failWith(
          validationError(`${type.associationTypeId} is not a valid association type id from ${from}`),
        );
      if (!portal.store.find(to, a.to.id)) {
        failWith(
          validationError(
            `One or more associations are invalid: ${OBJECT_TYPE_INFO[to].singular} ${a.to.id} does not exist`,
          ),
        );
      }
      return { to, toId: a.to.id, typeId: type.associationTypeId };
    }),
  );
}

function createOne(portal: TPortal, t: TObjectType, body: z.infer<typeof ZCreateInput>): TStandInResponse {
  const links = body.associations ? resolveInlineAssociations(portal, t, body.associations) : [];
  const { source, sourceId } = apiSource(portal);
  const result = portal.store.create(t, body.properties, source, sourceId);
  if (!result.ok) return result.response;
  for (const l of links) portal.associations.associate(t, result.record.id, l.to, l.toId, l.typeId);
  return jsonResponse(201, toApiObject(portal, result.record));
}

function findOrFail(portal: TPortal, req: TStandInRequest, t: TObjectType, archived = false): TCrmRecord {
  const idProperty = req.query.get("idProperty") ?? undefined;
  checkIdProperty(portal, t, idProperty);
  const id = req.params.objectId!;
  const r = portal.store.find(t, id, idProperty, archived);
  if (!r) failWith(objectNotFound(id));
  return r;
}

export function createObjectRoutes(portal: TPortal): TRoute[] {
  const base = "/crm/v3/objects/:objectType";
  return [
    {
      method: "GET",
      path: base,
      handler: (req) => {
        const t = requireObjectType(req);
        const limit = readLimit(req, 10, 100);
        const page = portal.store.page(
          t,
          req.query.get("after") ?? undefined,
          limit,
          readBoolean(req, "archived"),
        );
        const opts = readOptionsFromQuery(req);
        return jsonResponse(200, {
          results: page.results.map((r) => toApiObject(portal, r, opts)),
          ...(page.nextAfter
            ? {
                paging: {
                  next: {
                    after: page.nextAfter,
                    link: `${base.replace(":objectType", t)}?after=${page.nextAfter}`,
                  },
                },
              }
            : {}),
        });
      },
    },
    {
      method: "POST",
      path: base,
      handler: (req) => createOne(portal, requireObjectType(req), parseBody(req, ZCreateInput)),
    },
    {
      method: "GET",
      path: `${base}/:objectId`,
      handler: (req) => {
        const t = requireObjectType(req);
        const r = findOrFail(portal, req, t, readBoolean(req, "archived"));
        return jsonResponse(200, toApiObject(portal, r, readOptionsFromQuery(req)));
      },
    },
    {
      method: "PATCH",
      path: `${base}/:objectId`,
      handler: (req) => {
        const t = requireObjectType(req);
        const body = parseBody(req, ZUpdateInput);
        const r = findOrFail(portal, req, t);
        const { source, sourceId } = apiSource(portal);
        const result = portal.store.update(r, body.properties, source, sourceId);
        return result.ok ? jsonResponse(200, toApiObject(portal, result.record)) : result.response;
      },
    },
    {
      method: "DELETE",
      path: `${base}/:objectId`,
      handler: (req) => {
        const t = requireObjectType(req);
        // Archiving something already gone is not an error on HubSpot either.
        const r = portal.store.find(t, req.params.objectId!);
        if (r) portal.store.archive(r, apiSource(portal).source, apiSource(portal).sourceId);
        return emptyResponse(204);
      },
    },
    {
      method: "POST",
      path: `${base}/merge`,
      handler: (req) => {
        const t = requireObjectType(req);
        const body = parseBody(req, ZMergeInput);
        return mergeObjects(portal, t, body.primaryObjectId, body.objectIdToMerge, apiSource(portal));
      },
    },
  ];
}

export function mergeObjects(
  portal: TPortal,
  t: TObjectType,
  primaryId: string,
  secondaryId: string,
  by: { source: TChangeSource; sourceId?: string },
): TStandInResponse {
  const primary = portal.store.find(t, primaryId);
  const secondary = portal.store.find(t, secondaryId);
  if (!primary || !secondary) return objectNotFound(!primary ? primaryId : secondaryId);
  if (primary.id === secondary.id)
    return hubspotError(400, "VALIDATION_ERROR", "Cannot merge an object with itself");
  const merged = portal.store.merge(primary, secondary, by.source, by.sourceId);
  portal.associations.moveAll(t, secondary.id, primary.id);
  return jsonResponse(200, toApiObject(portal, merged));
}
