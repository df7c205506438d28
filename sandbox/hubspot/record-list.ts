import { OBJECT_TYPES, type TObjectType } from "./object-types";
import type { TCrmRecord } from "./store";

/**
 * Each type's records in id order, for the list endpoints' pages. Ids are handed out ascending and
 * records are never removed (archiving flags them), so creation order is id order and a page is a
 * binary search plus `limit` steps; sorting the whole type per call made a 100,000-contact full
 * list quadratic, and its CPU ran on the event loop of whoever hosts the sandbox.
 */
export function createRecordLists() {
  const ordered = new Map<TObjectType, TCrmRecord[]>();

  function reset(): void {
    for (const t of OBJECT_TYPES) ordered.set(t, []);
  }
  reset();

  /** A newly created record (the highest id of its type so far). */
  function add(r: TCrmRecord): void {
    ordered.get(r.objectType)!.push(r);
  }

  /** Live records in id order; `after` is the first id to include, as HubSpot's list cursor. */
  function page(objectType: TObjectType, after: string | undefined, limit: number, archived = false) {
    const list = ordered.get(objectType)!;
    // First position whose id is ≥ after.
    let lo = 0;
    let hi = list.length;
    if (after !== undefined) {
      const from = Number(after);
      // An unreadable cursor matches no record, as it always has.
      if (Number.isNaN(from)) return { results: [] as TCrmRecord[], nextAfter: undefined };
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (Number(list[mid]!.id) < from) lo = mid + 1;
        else hi = mid;
      }
    }
    const results: TCrmRecord[] = [];
    for (let i = lo; i < list.length; i++) {
      const r = list[i]!;
      if (r.archived !== archived) continue;
      if (results.length === limit) return { results, nextAfter: r.id };
      results.push(r);
    }
    return { results, nextAfter: undefined };
  }

  return { reset, add, page };
}
