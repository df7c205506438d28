import type { TStandInResponse } from "../core";
import { hubspotError, invalidPropertyValues } from "./errors";
import { OBJECT_TYPES, OBJECT_TYPE_INFO, type TObjectType } from "./object-types";
import type { TPropertyRegistry } from "./property-registry";
import { createRecordLists } from "./record-list";

/** Who made a change: HubSpot's `changeSource` in webhooks and `sourceType` in property history. */
export type TChangeSource = "INTEGRATION" | "CRM_UI" | "FORM" | "IMPORT" | "API";

export interface THistoryEntry {
  value: string;
  timestamp: string;
  sourceType: TChangeSource;
  sourceId?: string;
}

/** What search sees of a record; it can lag behind the record (HubSpot's index is eventually consistent). */
interface TSearchView {
  visibleFrom: number;
  properties: Record<string, string>;
  archived: boolean;
}

export interface TCrmRecord {
  id: string;
  objectType: TObjectType;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
  history: Map<string, THistoryEntry[]>;
  search: { current: TSearchView; previous?: TSearchView };
}

export type TStoreChange =
  | { kind: "creation"; record: TCrmRecord; source: TChangeSource; sourceId?: string; at: number }
  | {
      kind: "propertyChange";
      record: TCrmRecord;
      property: string;
      value: string;
      source: TChangeSource;
      sourceId?: string;
      at: number;
    }
  | { kind: "deletion"; record: TCrmRecord; source: TChangeSource; sourceId?: string; at: number }
  | {
      kind: "merge";
      record: TCrmRecord;
      mergedIds: string[];
      propertiesMoved: number;
      source: TChangeSource;
      sourceId?: string;
      at: number;
    };

export type TWriteResult =
  { ok: true; record: TCrmRecord; changed: string[] } | { ok: false; response: TStandInResponse };

const HISTORY_KEEP = 20;

/** Properties the store maintains itself; changes to them never produce propertyChange events. */
const MAINTAINED = new Set([
  "hs_object_id",
  "createdate",
  "lastmodifieddate",
  "hs_lastmodifieddate",
  "hs_createdate",
]);

export function createCrmStore(deps: {
  registry: TPropertyRegistry;
  now?: () => number;
  searchIndexLagMs?: () => number;
  onChange?: (change: TStoreChange) => void;
}) {
  const now = deps.now ?? Date.now;
  const lag = deps.searchIndexLagMs ?? (() => 0);
  const records = new Map<TObjectType, Map<string, TCrmRecord>>();
  const nextId = new Map<TObjectType, number>();
  /** objectType → property → lower-cased value → id, for unique properties. */
  const uniqueIndex = new Map<TObjectType, Map<string, Map<string, string>>>();
  /** Merged-away id → surviving id; reads of an old id follow it, as HubSpot's do. */
  const mergedInto = new Map<string, string>();
  /** List pages in id order (record-list.ts). */
  const lists = createRecordLists();

  function reset(): void {
    for (const t of OBJECT_TYPES) {
      records.set(t, new Map());
      nextId.set(t, OBJECT_TYPE_INFO[t].firstId);
      uniqueIndex.set(t, new Map());
    }
    lists.reset();
    mergedInto.clear();
  }
  reset();

  function all(objectType: TObjectType): Map<string, TCrmRecord> {
    return records.get(objectType)!;
  }

  function indexFor(objectType: TObjectType, property: string): Map<string, string> {
    const byProp = uniqueIndex.get(objectType)!;
    let idx = byProp.get(property);
    if (!idx) {
      idx = new Map();
      for (const r of all(objectType).values()) {
        const v = r.properties[property];
        if (!r.archived && v !== undefined) idx.set(v.toLowerCase(), r.id);
      }
      byProp.set(property, idx);
    }
    return idx;
  }

  /** By id (following merges) or, with `idProperty`, by a unique property value. Archived ones only on request. */
  function find(
    objectType: TObjectType,
    id: string,
    idProperty?: string,
    archived = false,
  ): TCrmRecord | undefined {
    if (idProperty && idProperty !== "hs_object_id") {
      const found = indexFor(objectType, idProperty).get(id.toLowerCase());
      if (found) return all(objectType).get(found);
      if (!archived) return undefined;
      for (const r of all(objectType).values())
        if (r.archived && r.properties[idProperty]?.toLowerCase() === id.toLowerCase()) return r;
      return undefined;
    }
    const resolved = mergedInto.get(`${objectType}:${id}`) ?? id;
    const r = all(objectType).get(resolved);
    if (!r) return undefined;
    return r.archived === archived ? r : undefined;
  }

  function conflictFor(objectType: TObjectType, values: Record<string, string | null>, selfId?: string) {
    for (const prop of deps.registry.uniqueProperties(objectType)) {
      const v = values[prop];
      if (v === undefined || v === null) continue;
      const existing = indexFor(objectType, prop).get(v.toLowerCase());
      if (existing && existing !== selfId) {
        const message =
          objectType === "contacts" && prop === "email"
            ? `Contact already exists. Existing ID: ${existing}`
            : `A ${OBJECT_TYPE_INFO[objectType].label} with the unique property ${prop} = ${v} already exists. Existing ID: ${existing}`;
        return hubspotError(409, "CONFLICT", message);
      }
    }
    return undefined;
  }

  function setValue(
    r: TCrmRecord,
    name: string,
    value: string | null,
    at: number,
    source: TChangeSource,
    sourceId?: string,
  ) {
    const old = r.properties[name];
    if ((value ?? undefined) === old) return false;
    const idx = deps.registry.uniqueProperties(r.objectType).includes(name)
      ? indexFor(r.objectType, name)
      : undefined;
    if (old !== undefined) idx?.delete(old.toLowerCase());
    if (value === null) delete r.properties[name];
    else {
      r.properties[name] = value;
      idx?.set(value.toLowerCase(), r.id);
    }
    const entries = r.history.get(name) ?? [];
    entries.unshift({
      value: value ?? "",
      timestamp: new Date(at).toISOString(),
      sourceType: source,
      ...(sourceId ? { sourceId } : {}),
    });
    r.history.set(name, entries.slice(0, HISTORY_KEEP));
    return true;
  }

  function touch(r: TCrmRecord, at: number): void {
    const iso = new Date(at).toISOString();
    r.updatedAt = iso;
    r.properties[OBJECT_TYPE_INFO[r.objectType].lastModifiedProperty] = iso;
    reindex(r, at);
  }

  function reindex(r: TCrmRecord, at: number): void {
    const view = { visibleFrom: at + lag(), properties: { ...r.properties }, archived: r.archived };
    const current = r.search.current;
    // Keep the newest view that is already visible as the fallback while the new one is "indexing".
    const previous = current.visibleFrom <= at ? current : r.search.previous;
    r.search = { current: view, previous };
  }

  /**
   * Checks input values as a write would, without writing: property problems, required values,
   * unique-value conflicts (`selfId` is the record being updated, if any).
   */
  function validate(
    objectType: TObjectType,
    input: Record<string, unknown>,
    selfId: string | undefined,
    creating: boolean,
  ): { ok: true; values: Record<string, string | null> } | { ok: false; response: TStandInResponse } {
    const { values, problems } = deps.registry.normalizeValues(objectType, input);
    if (problems.length > 0) return { ok: false, response: invalidPropertyValues(problems) };
    if (creating && objectType === "notes" && !values.hs_timestamp) {
      return {
        ok: false,
        response: hubspotError(
          400,
          "VALIDATION_ERROR",
          "Property values were not valid: hs_timestamp is required",
        ),
      };
    }
    const conflict = conflictFor(objectType, values, selfId);
    if (conflict) return { ok: false, response: conflict };
    return { ok: true, values };
  }

  function create(
    objectType: TObjectType,
    input: Record<string, unknown>,
    source: TChangeSource,
    sourceId?: string,
  ): TWriteResult {
    const checked = validate(objectType, input, undefined, true);
    if (!checked.ok) return checked;
    const { values } = checked;
    const at = now();
    const iso = new Date(at).toISOString();
    const id = String(nextId.get(objectType)!);
    nextId.set(objectType, Number(id) + 1);
    const r: TCrmRecord = {
      id,
      objectType,
      properties: {},
      createdAt: iso,
      updatedAt: iso,
      archived: false,
      history: new Map(),
      search: { current: { visibleFrom: Number.POSITIVE_INFINITY, properties: {}, archived: false } },
    };
    all(objectType).set(id, r);
    lists.add(r);
    const changed: string[] = [];
    for (const [k, v] of Object.entries(values)) if (setValue(r, k, v, at, source, sourceId)) changed.push(k);
    setValue(r, "hs_object_id", id, at, source, sourceId);
    setValue(r, objectType === "notes" ? "hs_createdate" : "createdate", iso, at, source, sourceId);
    touch(r, at);
    deps.onChange?.({ kind: "creation", record: r, source, sourceId, at });
    for (const p of changed) emitPropertyChange(r, p, at, source, sourceId);
    return { ok: true, record: r, changed };
  }

  function update(
    r: TCrmRecord,
    input: Record<string, unknown>,
    source: TChangeSource,
    sourceId?: string,
  ): TWriteResult {
    const checked = validate(r.objectType, input, r.id, false);
    if (!checked.ok) return checked;
    const { values } = checked;
    const at = now();
    const changed = Object.entries(values)
      .filter(([k, v]) => setValue(r, k, v, at, source, sourceId))
      .map(([k]) => k);
    // HubSpot bumps the modification date on every accepted write, even one that changes nothing.
    touch(r, at);
    for (const p of changed) emitPropertyChange(r, p, at, source, sourceId);
    return { ok: true, record: r, changed };
  }

  function emitPropertyChange(
    r: TCrmRecord,
    property: string,
    at: number,
    source: TChangeSource,
    sourceId?: string,
  ) {
    if (MAINTAINED.has(property)) return;
    deps.onChange?.({
      kind: "propertyChange",
      record: r,
      property,
      value: r.properties[property] ?? "",
      source,
      sourceId,
      at,
    });
  }

  function archive(r: TCrmRecord, source: TChangeSource, sourceId?: string): void {
    if (r.archived) return;
    const at = now();
    r.archived = true;
    r.archivedAt = new Date(at).toISOString();
    for (const prop of deps.registry.uniqueProperties(r.objectType)) {
      const v = r.properties[prop];
      if (v !== undefined && indexFor(r.objectType, prop).get(v.toLowerCase()) === r.id)
        indexFor(r.objectType, prop).delete(v.toLowerCase());
    }
    reindex(r, at);
    deps.onChange?.({ kind: "deletion", record: r, source, sourceId, at });
  }

  /**
   * Merges `secondary` into `primary`: the primary keeps its values, fills blanks from the secondary,
   * collects the secondary's email as an additional one, and the secondary id then resolves to it.
   */
  function merge(
    primary: TCrmRecord,
    secondary: TCrmRecord,
    source: TChangeSource,
    sourceId?: string,
  ): TCrmRecord {
    const at = now();
    let moved = 0;
    for (const [k, v] of Object.entries(secondary.properties)) {
      if (MAINTAINED.has(k) || primary.properties[k] !== undefined || k === "email") continue;
      if (setValue(primary, k, v, at, source, sourceId)) moved++;
    }
    const extraEmails = [
      primary.properties.hs_additional_emails,
      secondary.properties.email,
      secondary.properties.hs_additional_emails,
    ]
      .filter((v): v is string => Boolean(v))
      .join(";");
    archiveQuietly(secondary, at);
    if (primary.objectType === "contacts" && extraEmails)
      setValue(primary, "hs_additional_emails", extraEmails, at, source, sourceId);
    const mergedIds = [...(primary.properties.hs_merged_object_ids?.split(";") ?? []), secondary.id];
    setValue(primary, "hs_merged_object_ids", mergedIds.join(";"), at, source, sourceId);
    mergedInto.set(`${primary.objectType}:${secondary.id}`, primary.id);
    for (const [old, target] of mergedInto) if (target === secondary.id) mergedInto.set(old, primary.id);
    touch(primary, at);
    deps.onChange?.({
      kind: "merge",
      record: primary,
      mergedIds: [secondary.id],
      propertiesMoved: moved,
      source,
      sourceId,
      at,
    });
    return primary;
  }

  function archiveQuietly(r: TCrmRecord, at: number): void {
    r.archived = true;
    r.archivedAt = new Date(at).toISOString();
    for (const prop of deps.registry.uniqueProperties(r.objectType)) {
      const v = r.properties[prop];
      if (v !== undefined) indexFor(r.objectType, prop).delete(v.toLowerCase());
    }
    reindex(r, at);
  }

  /** The records as search currently sees them (see TSearchView). */
  function searchable(objectType: TObjectType): { record: TCrmRecord; properties: Record<string, string> }[] {
    const t = now();
    const out: { record: TCrmRecord; properties: Record<string, string> }[] = [];
    for (const r of all(objectType).values()) {
      const view = r.search.current.visibleFrom <= t ? r.search.current : r.search.previous;
      if (view && !view.archived) out.push({ record: r, properties: view.properties });
    }
    return out;
  }

  function counts(): Record<TObjectType, number> {
    return Object.fromEntries(
      OBJECT_TYPES.map((t) => [t, [...all(t).values()].filter((r) => !r.archived).length]),
    ) as Record<TObjectType, number>;
  }

  return { find, validate, create, update, archive, merge, page: lists.page, searchable, counts, reset };
}

export type TCrmStore = ReturnType<typeof createCrmStore>;
