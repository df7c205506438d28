import { z } from "zod";
import type { TPropertyDefinition } from "./property-registry";

/** The search request body as HubSpot accepts it (the SDK types `sorts` as strings; the API also takes objects). */
const ZScalar = z.union([z.string(), z.number(), z.boolean()]);

export const ZFilter = z.object({
  propertyName: z.string(),
  operator: z.enum([
    "EQ",
    "NEQ",
    "LT",
    "LTE",
    "GT",
    "GTE",
    "BETWEEN",
    "IN",
    "NOT_IN",
    "HAS_PROPERTY",
    "NOT_HAS_PROPERTY",
    "CONTAINS_TOKEN",
    "NOT_CONTAINS_TOKEN",
  ]),
  value: ZScalar.optional(),
  highValue: ZScalar.optional(),
  values: z.array(ZScalar).optional(),
});
export type TFilter = z.infer<typeof ZFilter>;

export const ZSort = z.union([
  z.string(),
  z.object({ propertyName: z.string(), direction: z.enum(["ASCENDING", "DESCENDING"]).default("ASCENDING") }),
]);

export const ZSearchRequest = z.object({
  filterGroups: z.array(z.object({ filters: z.array(ZFilter) })).default([]),
  sorts: z.array(ZSort).default([]),
  query: z.string().optional(),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().optional(),
  after: z.union([z.string(), z.number()]).transform(String).optional(),
});
export type TSearchRequest = z.infer<typeof ZSearchRequest>;

type TTypeOf = (name: string) => TPropertyDefinition["type"] | undefined;

/** A comparable form of a value for the property's type: numbers and dates compare numerically. */
function comparable(
  type: TPropertyDefinition["type"] | undefined,
  raw: string | number | boolean,
): number | string {
  const s = String(raw);
  if (type === "number") return Number(s);
  if (type === "datetime" || type === "date") return /^-?\d+$/.test(s) ? Number(s) : Date.parse(s);
  return s.toLowerCase();
}

function compare(a: number | string, b: number | string): number {
  if (typeof a === "number" && typeof b === "number") return a === b ? 0 : a < b ? -1 : 1;
  const x = String(a);
  const y = String(b);
  return x === y ? 0 : x < y ? -1 : 1;
}

/** Words of a value; `*` in the needle matches any run of characters (HubSpot's wildcard). */
function containsToken(value: string, needle: string): boolean {
  const n = needle.toLowerCase();
  const v = value.toLowerCase();
  if (n.includes("*")) {
    const pattern = new RegExp(`^${n.split("*").map(escapeRegExp).join(".*")}$`);
    return pattern.test(v) || v.split(/\s+/).some((t) => pattern.test(t));
  }
  return v === n || v.split(/[\s,;@.\-_/]+/).includes(n);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function matchesFilter(props: Record<string, string>, f: TFilter, typeOf: TTypeOf): boolean {
  const raw = props[f.propertyName];
  const has = raw !== undefined && raw !== "";
  const type = typeOf(f.propertyName);
  const cmp = (other: string | number | boolean | undefined) =>
    other === undefined || !has ? undefined : compare(comparable(type, raw), comparable(type, other));
  const inValues = () =>
    has && (f.values ?? []).some((v) => compare(comparable(type, raw), comparable(type, v)) === 0);
  switch (f.operator) {
    case "HAS_PROPERTY":
      return has;
    case "NOT_HAS_PROPERTY":
      return !has;
    case "EQ":
      return cmp(f.value) === 0;
    case "NEQ":
      return cmp(f.value) !== 0;
    case "LT":
      return (cmp(f.value) ?? 0) < 0;
    case "LTE":
      return has && (cmp(f.value) ?? 1) <= 0;
    case "GT":
      return (cmp(f.value) ?? 0) > 0;
    case "GTE":
      return has && (cmp(f.value) ?? -1) >= 0;
    case "BETWEEN":
      return has && (cmp(f.value) ?? -1) >= 0 && (cmp(f.highValue) ?? 1) <= 0;
    case "IN":
      return inValues();
    case "NOT_IN":
      return !inValues();
    case "CONTAINS_TOKEN":
      return has && f.value !== undefined && containsToken(raw, String(f.value));
    case "NOT_CONTAINS_TOKEN":
      return !(has && f.value !== undefined && containsToken(raw, String(f.value)));
  }
}

/** Groups are ORed, filters within a group ANDed; no groups matches everything. */
export function matchesFilterGroups(
  props: Record<string, string>,
  groups: TSearchRequest["filterGroups"],
  typeOf: TTypeOf,
) {
  return groups.length === 0 || groups.some((g) => g.filters.every((f) => matchesFilter(props, f, typeOf)));
}

/** Free-text `query`: every word must prefix-match a word of one of the searchable properties. */
export function matchesQuery(
  props: Record<string, string>,
  query: string | undefined,
  fields: readonly string[],
): boolean {
  const words = (query ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = fields
    .flatMap((f) => (props[f] ?? "").toLowerCase().split(/[\s,;@.\-_/]+/))
    .filter(Boolean);
  return words.every(
    (w) => haystack.some((h) => h.startsWith(w)) || fields.some((f) => (props[f] ?? "").toLowerCase() === w),
  );
}

export function normalizeSorts(
  sorts: TSearchRequest["sorts"],
): { propertyName: string; descending: boolean }[] {
  return sorts.map((s) =>
    typeof s === "string"
      ? { propertyName: s.replace(/^-/, ""), descending: s.startsWith("-") }
      : { propertyName: s.propertyName, descending: s.direction === "DESCENDING" },
  );
}

/** Sorts by the given properties (missing values last), then by id for a stable order. */
export function sortRows<T extends { id: string; properties: Record<string, string> }>(
  rows: T[],
  sorts: { propertyName: string; descending: boolean }[],
  typeOf: TTypeOf,
): T[] {
  return [...rows].sort((a, b) => {
    for (const s of sorts) {
      const x = a.properties[s.propertyName];
      const y = b.properties[s.propertyName];
      if (x === undefined && y === undefined) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      const type = typeOf(s.propertyName);
      const c = compare(comparable(type, x), comparable(type, y));
      if (c !== 0) return s.descending ? -c : c;
    }
    return Number(a.id) - Number(b.id);
  });
}
