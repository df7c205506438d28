import "server-only";
import { db } from "@/lib/db";
import { searchCompaniesBy } from "@/lib/imports/hubspot-batch";
import type { TBatchRange } from "@/lib/imports/write-batch";

/**
 * Companies that existed before the import (same domain, else same name) are updated in place
 * rather than duplicated, so each company batch needs to know which of its rows HubSpot already
 * has. That is a search, on the slow bucket (4/s), answering 500 values a request: looking up a
 * group of five batches at once costs 1,000 new companies 2 searches instead of 10, and the first
 * company batches start writing after one search instead of waiting in the search queue.
 */

export interface TExistingCompanies {
  /** Lower-cased domain → HubSpot id. */
  byDomain: Map<string, string>;
  /** Lower-cased name → HubSpot id (for rows without a domain). */
  byName: Map<string, string>;
}

const BATCHES_PER_LOOKUP = 5;

/** Looks up the pending company rows with row numbers in `span`. */
export async function lookupExistingCompanies(jobId: string, span: TBatchRange): Promise<TExistingCompanies> {
  const rows = await db().$queryRaw<{ domain: string | null; name: string | null }[]>`
    SELECT "values"->'properties'->>'domain' AS domain, "values"->'properties'->>'name' AS name
      FROM "ImportRow"
     WHERE "jobId" = ${jobId} AND object = 'companies' AND outcome = 'pending'
       AND "rowNumber" BETWEEN ${span.from} AND ${span.to}`;
  const domains = [...new Set(rows.map((r) => r.domain).filter((d): d is string => !!d))];
  const names = [...new Set(rows.filter((r) => !r.domain && r.name).map((r) => r.name!))];
  const byDomain = domains.length ? await searchCompaniesBy("domain", domains) : new Map<string, string>();
  const byName = names.length ? await searchCompaniesBy("name", names) : new Map<string, string>();
  return { byDomain, byName };
}

/**
 * One lookup per group of consecutive batches, shared by the batches of the group (the first one
 * to ask starts it). A failed lookup is forgotten, so the batch's retry looks up again.
 */
export function groupedCompanyLookup(
  jobId: string,
  ranges: TBatchRange[],
): (range: TBatchRange) => Promise<TExistingCompanies> {
  const indexOf = new Map(ranges.map((r, i) => [r.from, i]));
  const groups = new Map<number, Promise<TExistingCompanies>>();
  return (range) => {
    const i = indexOf.get(range.from);
    if (i === undefined) return lookupExistingCompanies(jobId, range);
    const g = Math.floor(i / BATCHES_PER_LOOKUP);
    let lookup = groups.get(g);
    if (!lookup) {
      const last = Math.min(ranges.length, (g + 1) * BATCHES_PER_LOOKUP) - 1;
      lookup = lookupExistingCompanies(jobId, {
        from: ranges[g * BATCHES_PER_LOOKUP]!.from,
        to: ranges[last]!.to,
      });
      groups.set(g, lookup);
      lookup.catch(() => groups.delete(g));
    }
    return lookup;
  };
}
