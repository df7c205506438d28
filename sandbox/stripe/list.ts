/**
 * Stripe's cursor pagination (`limit`, `starting_after`, `ending_before` over a newest-first list) and
 * search pagination (`limit`, opaque `page` → `next_page`).
 */
import { invalidParam, resourceMissing } from "./errors";
import type { ParamReader } from "./params";
import type { TJson } from "./state";

export type TListEnvelope<T> = { object: "list"; data: T[]; has_more: boolean; url: string };

export type TPageParams = { limit: number; startingAfter?: string; endingBefore?: string };

export function readPageParams(p: ParamReader): TPageParams {
  const limit = p.integer("limit", { min: 1, max: 100 }) ?? 10;
  const startingAfter = p.string("starting_after");
  const endingBefore = p.string("ending_before");
  if (startingAfter && endingBefore) {
    throw invalidParam(
      "ending_before",
      "You may only specify one of these parameters: ending_before, starting_after.",
    );
  }
  return { limit, startingAfter, endingBefore };
}

/** `items` must already be filtered and newest first; `noun` names the object in a bad-cursor 404. */
export function paginate<T extends { id: string }>(
  items: readonly T[],
  page: TPageParams,
  url: string,
  noun: string,
): TListEnvelope<T> {
  if (page.startingAfter !== undefined) {
    const at = items.findIndex((i) => i.id === page.startingAfter);
    if (at < 0) throw resourceMissing(noun, page.startingAfter, "starting_after");
    const rest = items.slice(at + 1);
    return { object: "list", data: rest.slice(0, page.limit), has_more: rest.length > page.limit, url };
  }
  if (page.endingBefore !== undefined) {
    const at = items.findIndex((i) => i.id === page.endingBefore);
    if (at < 0) throw resourceMissing(noun, page.endingBefore, "ending_before");
    const before = items.slice(0, at);
    const start = Math.max(0, before.length - page.limit);
    return { object: "list", data: before.slice(start), has_more: start > 0, url };
  }
  return { object: "list", data: items.slice(0, page.limit), has_more: items.length > page.limit, url };
}

export type TSearchEnvelope<T> = {
  object: "search_result";
  data: T[];
  has_more: boolean;
  next_page: string | null;
  url: string;
  total_count?: number;
};

/** The page token is opaque to clients; here it encodes the offset into the ordered result. */
export function paginateSearch<T>(
  items: readonly T[],
  p: ParamReader,
  url: string,
  withTotal: boolean,
): TSearchEnvelope<T> {
  const limit = p.integer("limit", { min: 1, max: 100 }) ?? 10;
  const token = p.string("page");
  let offset = 0;
  if (token !== undefined) {
    const decoded = /^page_(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
    if (!decoded) throw invalidParam("page", "Invalid page token.");
    offset = Number(decoded[1]);
  }
  const data = items.slice(offset, offset + limit);
  const hasMore = offset + limit < items.length;
  return {
    object: "search_result",
    data,
    has_more: hasMore,
    next_page: hasMore ? Buffer.from(`page_${offset + limit}`).toString("base64url") : null,
    url,
    ...(withTotal ? { total_count: items.length } : {}),
  };
}

/** Stripe's `previous_attributes`: old values of changed top-level fields, hashes diffed per key. */
export function diffPrevious(
  before: { [key: string]: TJson },
  after: { [key: string]: TJson },
): { [key: string]: TJson } | undefined {
  const prev: { [key: string]: TJson } = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key] ?? null;
    const b = after[key] ?? null;
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (isHash(a) && isHash(b)) {
      const nested: { [key: string]: TJson } = {};
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null)) nested[k] = a[k] ?? null;
      }
      prev[key] = nested;
    } else {
      prev[key] = a;
    }
  }
  return Object.keys(prev).length ? prev : undefined;
}

function isHash(v: TJson): v is { [key: string]: TJson } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
