import "server-only";
import { db } from "@/lib/db";
import { readIdentitySettings } from "@/lib/identity/settings";
import {
  OBJECT_CONFIG,
  inlineAssociations,
  mergedIds,
  propertiesFor,
  toCompanyRow,
  toContactRow,
  toDealRow,
  type THubspotRecord,
  type TWarehouseObjectType,
} from "@/lib/warehouse/hubspot-objects";
import { listAll, readAssociations, searchModified, type TReadStats } from "@/lib/warehouse/hubspot-reader";
import { readWarehouseSettings } from "@/lib/warehouse/settings";
import { refreshCandidatesForCompanies } from "@/lib/warehouse/team-candidates";
import {
  archiveUnseen,
  markArchived,
  remapMerged,
  replaceAssociations,
  upsertCompanies,
  upsertContacts,
  upsertDeals,
} from "@/lib/warehouse/staging-store";

/** What one object type's part of a run did; stored in IngestRun.counts. */
export interface TTypeCounts {
  fetched: number;
  upserted: number;
  archived: number;
  merged: number;
  associations: number;
  calls: number;
  windows: number;
  splits: number;
  /** Milliseconds spent writing pages (the rest of a type's time is waiting for HubSpot). */
  writeMs: number;
}

export interface TTypePlan {
  kind: "full" | "incremental";
  /** Incremental window [sinceMs, untilMs) over the last-modified property. */
  sinceMs: number;
  untilMs: number;
  runStartedAt: Date;
}

interface TMappers {
  contactProps: { code: string; openid: string };
  portalCurrency: string;
}

async function loadMappers(): Promise<TMappers> {
  const [identity, settings] = await Promise.all([readIdentitySettings(), readWarehouseSettings()]);
  return {
    contactProps: { code: identity.hubspotCodeProperty, openid: identity.hubspotOpenidProperty },
    portalCurrency: settings.portalCurrency,
  };
}

/** Writes one page: rows, their associations (complete set per record) and merges, atomically. */
async function writePage(
  type: TWarehouseObjectType,
  records: THubspotRecord[],
  associations: Map<TWarehouseObjectType, { fromId: string; toId: string }[]>,
  m: TMappers,
  counts: TTypeCounts,
  deferSpend: boolean,
): Promise<void> {
  const ids = records.map((r) => r.id);
  const merges = records
    .map((r) => ({ primaryId: r.id, mergedIds: mergedIds(r) }))
    .filter((x) => x.mergedIds.length > 0);
  const started = performance.now();
  await db().$transaction(async (tx) => {
    // Full refreshes recompute company spend once at the end (finishIngestRun), not per page.
    if (deferSpend) await tx.$executeRaw`SELECT set_config('revbridge.defer_spend', 'on', true)`;
    if (type === "contacts") {
      counts.upserted += await upsertContacts(
        tx,
        records.map((r) => toContactRow(r, m.contactProps)),
      );
    } else if (type === "companies") {
      counts.upserted += await upsertCompanies(tx, records.map(toCompanyRow));
    } else {
      counts.upserted += await upsertDeals(
        tx,
        records.map((r) => toDealRow(r, m.portalCurrency)),
      );
    }
    for (const [toType, pairs] of associations) {
      counts.associations += await replaceAssociations(tx, type, toType, ids, pairs);
    }
    counts.merged += await remapMerged(tx, type, merges);
    // New, renamed, merged-away companies: their fuzzy team candidates, in the same transaction.
    if (type === "companies") {
      await refreshCandidatesForCompanies(tx, [...ids, ...merges.flatMap((x) => x.mergedIds)]);
    }
  });
  counts.writeMs += Math.round(performance.now() - started);
}

/** Yields the source's pages while already fetching the next one (at most one page buffered). */
async function* oneAhead<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = source.next();
  for (;;) {
    const current = await next;
    if (current.done) return;
    next = source.next();
    // A failed prefetch surfaces when awaited above; don't let it count as unhandled meanwhile.
    next.catch(() => {});
    yield current.value;
  }
}

function emptyCounts(): TTypeCounts {
  return {
    fetched: 0,
    upserted: 0,
    archived: 0,
    merged: 0,
    associations: 0,
    calls: 0,
    windows: 0,
    splits: 0,
    writeMs: 0,
  };
}

/**
 * Ingests one object type. Full: the list endpoint (live records with inline associations, then the
 * archived ones), and afterwards anything HubSpot no longer lists is marked archived. Incremental:
 * the search API over the modified window, associations by v4 batch read, then the archived list
 * (search never returns archived records).
 */
export async function ingestObjectType(type: TWarehouseObjectType, plan: TTypePlan): Promise<TTypeCounts> {
  const m = await loadMappers();
  const counts = emptyCounts();
  const stats: TReadStats = { calls: 0, windows: 0, splits: 0 };
  const targets = OBJECT_CONFIG[type].associationTargets;
  const properties = propertiesFor(
    type,
    type === "contacts" ? [m.contactProps.code, m.contactProps.openid] : [],
  );

  if (plan.kind === "full") {
    // One page fetched ahead: the governed reads keep going while a page is written.
    for await (const page of oneAhead(listAll(type, properties, false, stats))) {
      counts.fetched += page.records.length;
      const assoc = new Map<TWarehouseObjectType, { fromId: string; toId: string }[]>();
      for (const t of targets) assoc.set(t, []);
      for (const r of page.records) {
        for (const [t, toIds] of inlineAssociations(r, targets)) {
          assoc.get(t)!.push(...toIds.map((toId) => ({ fromId: r.id, toId })));
        }
      }
      await writePage(type, page.records, assoc, m, counts, true);
    }
  } else {
    for await (const page of searchModified(type, properties, plan.sinceMs, plan.untilMs, stats)) {
      counts.fetched += page.records.length;
      const ids = page.records.map((r) => r.id);
      const assoc = new Map<TWarehouseObjectType, { fromId: string; toId: string }[]>();
      for (const t of targets) assoc.set(t, await readAssociations(type, t, ids, stats));
      await writePage(type, page.records, assoc, m, counts, false);
    }
  }

  for await (const page of listAll(type, ["hs_object_id"], true, stats)) {
    const ids = page.records.map((r) => r.id);
    counts.archived += await db().$transaction(async (tx) => {
      const n = await markArchived(tx, type, ids);
      if (type === "companies" && n > 0) await refreshCandidatesForCompanies(tx, ids);
      return n;
    });
  }
  if (plan.kind === "full") counts.archived += await archiveUnseen(type, plan.runStartedAt);

  counts.calls = stats.calls;
  counts.windows = stats.windows;
  counts.splits = stats.splits;
  return counts;
}
