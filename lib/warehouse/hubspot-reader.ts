import "server-only";
import { FilterOperatorEnum } from "@hubspot/api-client/lib/codegen/crm/objects";
import { ProviderRateLimitedError } from "@/lib/connectors/errors";
import {
  classifyHubspotError,
  hubspot,
  hubspotCall,
  type THubspotBucket,
} from "@/lib/connectors/hubspot/client";
import {
  OBJECT_CONFIG,
  type THubspotRecord,
  type TWarehouseObjectType,
} from "@/lib/warehouse/hubspot-objects";
import { SlotScheduler } from "@/lib/warehouse/slot-scheduler";
import { planWindowSplit } from "@/lib/warehouse/windows";

/**
 * Reading HubSpot for the warehouse, every call through `hubspotCall` (the governor): the list
 * endpoint for full refreshes, the search API for incremental runs, v4 batch reads for the
 * associations of searched records. Pages are 100 records, HubSpot's list maximum.
 */

export const PAGE_SIZE = 100;
/** 429s retried in place before the run (or its Inngest step) gives up. */
const RATE_LIMIT_RETRIES = 5;

/**
 * One governed call; a 429 is retried where it happened. The governor has already paused the
 * bucket for the answer's wait, so the retry waits its turn; without this, one 429 on page 900
 * of a full refresh would throw away the 899 pages before it.
 */
async function governed<T>(
  bucket: THubspotBucket,
  call: Parameters<typeof hubspotCall<T>>[1],
  priority?: () => number,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      if (!priority) return await hubspotCall(bucket, call);
      // The slot comes from the scheduler (which takes it from the governor), then the call as
      // hubspotCall makes it.
      await listSlots.take(priority);
      try {
        return await call(hubspot());
      } catch (error) {
        throw await classifyHubspotError(error, bucket);
      }
    } catch (error) {
      if (!(error instanceof ProviderRateLimitedError) || attempt >= RATE_LIMIT_RETRIES) throw error;
    }
  }
}

/** The full refresh's list reads share the default bucket longest-remaining-first (see SlotScheduler). */
const listSlots = new SlotScheduler("default");
/** The search API answers at most 10,000 results per query (after + limit ≤ 10,000). */
export const SEARCH_RESULT_CAP = 10_000;

export interface TReadStats {
  calls: number;
  windows: number;
  splits: number;
}

export interface TPage {
  records: THubspotRecord[];
}

function toRecord(r: {
  id: string;
  properties: Record<string, string | null>;
  createdAt?: Date;
  updatedAt?: Date;
  archived?: boolean;
  associations?: Record<string, { results?: { id: string; type?: string }[] }>;
}): THubspotRecord {
  return {
    id: String(r.id),
    properties: r.properties ?? {},
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    archived: r.archived ?? false,
    associations: r.associations,
  };
}

/**
 * How many live records of a type HubSpot has (a search without filters answers its total): how
 * much a full refresh of it has left to read, for the list reads' order.
 */
async function countRecords(type: TWarehouseObjectType, stats: TReadStats): Promise<number> {
  stats.calls++;
  const res = await governed("search", (c) =>
    c.crm.objects.searchApi.doSearch(type, {
      filterGroups: [],
      properties: ["hs_object_id"],
      limit: 1,
    }),
  );
  return res.total;
}

/**
 * Every record of a type (live or archived), page by page, with inline associations. Live lists
 * take their slots by the pages they have left (countRecords), so the longest type is never
 * starved by the shorter ones.
 */
export async function* listAll(
  type: TWarehouseObjectType,
  properties: string[],
  archived: boolean,
  stats: TReadStats,
): AsyncGenerator<TPage> {
  const targets = archived ? [] : [...OBJECT_CONFIG[type].associationTargets];
  let after: string | undefined;
  let read = 0;
  let total: number | null = null;
  if (!archived) {
    // Counted beside the first pages; until the count is in, this type's order is "unknown" (0).
    countRecords(type, stats).then(
      (n) => (total = n),
      () => undefined,
    );
  }
  const remaining = () => (total === null ? 0 : Math.max(1, total - read));
  // Fetch page n+1 while the caller writes page n: the governor, not the database, should set the pace.
  const fetchPage = (cursor: string | undefined) => {
    stats.calls++;
    const p = governed(
      "default",
      (c) =>
        c.crm.objects.basicApi.getPage(
          type,
          PAGE_SIZE,
          cursor,
          properties,
          undefined,
          targets.length ? targets : undefined,
          archived,
        ),
      remaining,
    );
    // Rejections surface at the `await` below; this only stops Node calling it unhandled meanwhile.
    p.catch(() => undefined);
    return p;
  };
  let pending = fetchPage(after);
  for (;;) {
    const res = await pending;
    read += res.results.length;
    after = res.paging?.next?.after;
    if (after) pending = fetchPage(after);
    yield { records: res.results.map((r) => toRecord(r as never)) };
    if (!after) return;
  }
}

function searchBody(
  type: TWarehouseObjectType,
  properties: string[],
  fromMs: number,
  toMs: number,
  after: number,
) {
  const prop = OBJECT_CONFIG[type].modifiedProperty;
  return {
    filterGroups: [
      {
        filters: [
          { propertyName: prop, operator: FilterOperatorEnum.Gte, value: String(fromMs) },
          { propertyName: prop, operator: FilterOperatorEnum.Lt, value: String(toMs) },
        ],
      },
    ],
    sorts: [prop, "hs_object_id"],
    properties,
    limit: PAGE_SIZE,
    after: after > 0 ? String(after) : undefined,
  };
}

async function search(type: TWarehouseObjectType, body: ReturnType<typeof searchBody>, stats: TReadStats) {
  stats.calls++;
  const res = await governed("search", (c) => c.crm.objects.searchApi.doSearch(type, body as never));
  return {
    total: res.total,
    records: res.results.map((r) => toRecord(r as never)),
    next: res.paging?.next?.after,
  };
}

/**
 * Records modified in [fromMs, toMs), oldest first. A window whose total exceeds the search cap is
 * split in two by time (recursively) before paging, so no query ever pages past 10,000.
 */
export async function* searchModified(
  type: TWarehouseObjectType,
  properties: string[],
  fromMs: number,
  toMs: number,
  stats: TReadStats,
): AsyncGenerator<TPage> {
  stats.windows++;
  const first = await search(type, searchBody(type, properties, fromMs, toMs, 0), stats);
  const plan = planWindowSplit(fromMs, toMs, first.total, SEARCH_RESULT_CAP);
  if (plan.kind === "split") {
    stats.splits++;
    for (const [a, b] of plan.windows) yield* searchModified(type, properties, a, b, stats);
    return;
  }
  if (plan.kind === "keyset") {
    // More than 10,000 records share one millisecond (a bulk import): page by id instead.
    yield* searchSameInstantById(type, properties, fromMs, toMs, stats);
    return;
  }
  yield { records: first.records };
  let after = first.next ? Number(first.next) : undefined;
  while (after !== undefined) {
    const page = await search(type, searchBody(type, properties, fromMs, toMs, after), stats);
    yield { records: page.records };
    after = page.next ? Number(page.next) : undefined;
  }
}

async function* searchSameInstantById(
  type: TWarehouseObjectType,
  properties: string[],
  fromMs: number,
  toMs: number,
  stats: TReadStats,
): AsyncGenerator<TPage> {
  let lastId = "0";
  for (;;) {
    const body = searchBody(type, properties, fromMs, toMs, 0);
    body.filterGroups[0]!.filters.push({
      propertyName: "hs_object_id",
      operator: FilterOperatorEnum.Gt,
      value: lastId,
    });
    body.sorts = ["hs_object_id"];
    const page = await search(type, body, stats);
    if (page.records.length === 0) return;
    yield { records: page.records };
    lastId = page.records[page.records.length - 1]!.id;
    if (page.records.length < PAGE_SIZE) return;
  }
}

/** v4 batch read: the `toType` ids associated with each of `ids` (≤ 100 per call). */
export async function readAssociations(
  fromType: TWarehouseObjectType,
  toType: TWarehouseObjectType,
  ids: string[],
  stats: TReadStats,
): Promise<{ fromId: string; toId: string }[]> {
  const pairs: { fromId: string; toId: string }[] = [];
  for (let i = 0; i < ids.length; i += PAGE_SIZE) {
    const chunk = ids.slice(i, i + PAGE_SIZE);
    stats.calls++;
    const res = await governed("default", (c) =>
      c.crm.associations.v4.batchApi.getPage(fromType, toType, { inputs: chunk.map((id) => ({ id })) }),
    );
    // Records without associations come back as OBJECT_NOT_FOUND errors in a 207: simply none.
    for (const r of res.results) {
      for (const to of r.to) pairs.push({ fromId: String(r._from.id), toId: String(to.toObjectId) });
    }
  }
  return pairs;
}
