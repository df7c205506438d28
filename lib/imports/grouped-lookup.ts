import type { TBatchRange } from "@/lib/imports/write-batch";

/**
 * Lookups that HubSpot answers for many records per request (a company search: 500 values; an
 * associations read: 1,000 records) while the run writes 100 rows per batch: one lookup serves a
 * group of consecutive batches, started by the first batch of the group that asks and shared by
 * the others. A failed lookup is forgotten, so the batch's retry looks up again. A range that is
 * not one of the planned batches (a retry after a re-plan) gets a lookup of its own.
 */
export function groupedLookup<T>(
  ranges: TBatchRange[],
  batchesPerLookup: number,
  lookup: (span: TBatchRange) => Promise<T>,
): (range: TBatchRange) => Promise<T> {
  const indexOf = new Map(ranges.map((r, i) => [r.from, i]));
  const groups = new Map<number, Promise<T>>();
  return (range) => {
    const i = indexOf.get(range.from);
    if (i === undefined) return lookup(range);
    const g = Math.floor(i / batchesPerLookup);
    let found = groups.get(g);
    if (!found) {
      const last = Math.min(ranges.length, (g + 1) * batchesPerLookup) - 1;
      found = lookup({ from: ranges[g * batchesPerLookup]!.from, to: ranges[last]!.to });
      groups.set(g, found);
      found.catch(() => groups.delete(g));
    }
    return found;
  };
}
