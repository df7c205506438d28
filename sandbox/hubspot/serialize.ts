import type { TStandInRequest } from "../core";
import { pairTypes } from "./association-store";
import { OBJECT_TYPE_INFO, resolveObjectType, type TObjectType } from "./object-types";
import type { TPortal } from "./portal";
import type { TCrmRecord } from "./store";

export interface TReadOptions {
  properties?: string[];
  propertiesWithHistory?: string[];
  associations?: TObjectType[];
}

/** Query lists arrive repeated (`properties=a&properties=b`, as the SDK sends) or comma-joined. */
export function readListParam(req: TStandInRequest, name: string): string[] | undefined {
  const raw = req.query.getAll(name);
  if (raw.length === 0) return undefined;
  return raw
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

export function readOptionsFromQuery(req: TStandInRequest): TReadOptions {
  return {
    properties: readListParam(req, "properties"),
    propertiesWithHistory: readListParam(req, "propertiesWithHistory"),
    associations: readListParam(req, "associations")
      ?.map(resolveObjectType)
      .filter((t): t is TObjectType => t !== undefined),
  };
}

/** With `properties` given, HubSpot still returns these alongside the ones asked for. */
function alwaysReturned(t: TObjectType): string[] {
  const info = OBJECT_TYPE_INFO[t];
  return ["hs_object_id", t === "notes" ? "hs_createdate" : "createdate", info.lastModifiedProperty];
}

/** A record as the CRM object APIs return it (SimplePublicObject / …WithAssociations). */
export function toApiObject(
  portal: TPortal,
  r: TCrmRecord,
  opts: TReadOptions = {},
  view: Record<string, string> = r.properties,
): Record<string, unknown> {
  const names =
    opts.properties && opts.properties.length > 0
      ? [
          ...new Set([
            ...opts.properties.filter((p) => portal.registry.get(r.objectType, p)),
            ...alwaysReturned(r.objectType),
          ]),
        ]
      : [...OBJECT_TYPE_INFO[r.objectType].defaultProperties];
  const properties: Record<string, string | null> = {};
  for (const n of names.sort()) properties[n] = view[n] ?? null;

  const out: Record<string, unknown> = { id: r.id, properties };
  if (opts.propertiesWithHistory && opts.propertiesWithHistory.length > 0) {
    const history: Record<string, unknown[]> = {};
    for (const n of opts.propertiesWithHistory)
      if (portal.registry.get(r.objectType, n)) history[n] = r.history.get(n) ?? [];
    out.propertiesWithHistory = history;
  }
  out.createdAt = r.createdAt;
  out.updatedAt = r.updatedAt;
  out.archived = r.archived;
  if (r.archivedAt) out.archivedAt = r.archivedAt;
  if (opts.associations && opts.associations.length > 0) {
    const assoc: Record<string, { results: { id: string; type: string }[] }> = {};
    for (const to of opts.associations) {
      const results = portal.associations
        .list(r.objectType, r.id, to)
        .flatMap((a) => a.types.map((t) => ({ id: a.toId, type: v3TypeName(r.objectType, to, t.typeId) })));
      if (results.length > 0) assoc[to] = { results };
    }
    if (Object.keys(assoc).length > 0) out.associations = assoc;
  }
  return out;
}

/** v3 names: `contact_to_company` for the primary label, `…_unlabeled` beside it where a primary exists. */
function v3TypeName(from: TObjectType, to: TObjectType, typeId: number): string {
  const p = pairTypes(from, to);
  if (!p) return String(typeId);
  if (p.primary === undefined) return p.name;
  return typeId === p.primary ? p.name : `${p.name}_unlabeled`;
}
