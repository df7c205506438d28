import "server-only";
import { db } from "@/lib/db";
import { groupedLookup } from "@/lib/imports/grouped-lookup";
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

/** One search per group of five consecutive batches (lib/imports/grouped-lookup.ts). */
export function groupedCompanyLookup(
  jobId: string,
  ranges: TBatchRange[],
): (range: TBatchRange) => Promise<TExistingCompanies> {
  return groupedLookup(ranges, BATCHES_PER_LOOKUP, (span) => lookupExistingCompanies(jobId, span));
}
