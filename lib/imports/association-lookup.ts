import "server-only";
import { db } from "@/lib/db";
import { groupedLookup } from "@/lib/imports/grouped-lookup";
import { ASSOCIATION_TYPES, batchReadAssociations } from "@/lib/imports/hubspot-batch";
import type { TImportObject } from "@/lib/imports/types";
import type { TBatchRange } from "@/lib/imports/write-batch";

/**
 * A re-run upserts the records an earlier import wrote, and their associations mostly exist
 * already. Asking HubSpot which ones do costs one read per 1,000 records, where associating every
 * upserted record again cost one write per 100: the re-run of the benchmark's files went from 150
 * association writes to 15 reads. Only pairs the read did not show are written (a pair removed in
 * HubSpot since the last import comes back).
 */

/** 10 batches of 100: one associations read (lib/imports/hubspot-batch.ts, ASSOCIATION_READ_BATCH). */
const BATCHES_PER_LOOKUP = 10;

/** The association an object's rows get: contacts → company, tickets → contact. */
export function associationOf(object: TImportObject) {
  if (object === "contacts") return ASSOCIATION_TYPES.contactToCompany;
  if (object === "tickets") return ASSOCIATION_TYPES.ticketToContact;
  return undefined;
}

/**
 * `${fromId}:${toId}` pairs that exist already for the pending rows in `span` that an earlier
 * import wrote (their `hubspotId`, lib/imports/write-batch.ts markKnownRecords). No request when
 * there are none, as on a first import.
 */
export async function lookupExistingLinks(
  jobId: string,
  object: TImportObject,
  span: TBatchRange,
): Promise<Set<string>> {
  const assoc = associationOf(object);
  if (!assoc) return new Set();
  const rows = await db().$queryRaw<{ hubspot_id: string }[]>`
    SELECT DISTINCT "hubspotId" AS hubspot_id FROM "ImportRow"
     WHERE "jobId" = ${jobId} AND object = ${object} AND outcome = 'pending' AND "hubspotId" IS NOT NULL
       AND "rowNumber" BETWEEN ${span.from} AND ${span.to}`;
  if (rows.length === 0) return new Set();
  return batchReadAssociations(
    object,
    assoc.to,
    rows.map((r) => r.hubspot_id),
    assoc.typeId,
  );
}

/** One read per group of ten consecutive batches (lib/imports/grouped-lookup.ts). */
export function groupedLinkLookup(
  jobId: string,
  object: TImportObject,
  ranges: TBatchRange[],
): (range: TBatchRange) => Promise<Set<string>> {
  return groupedLookup(ranges, BATCHES_PER_LOOKUP, (span) => lookupExistingLinks(jobId, object, span));
}
