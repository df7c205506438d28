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
): Promise<void> {
  const ids = records.map((r) => r.id);
  const merges = records
    .map((r) => ({ primaryId: r.id, mergedIds: mergedIds(r) }))
    .filter((x) => x.mergedIds.length > 0);
  await db().$transaction(async (tx) => {
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
  });
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
    for await (const page of listAll(type, properties, false, stats)) {
      counts.fetched += page.records.length;
      const assoc = new Map<TWarehouseObjectType, { fromId: string; toId: string }[]>();
      for (const t of targets) assoc.set(t, []);
      for (const r of page.records) {
        for (const [t, toIds] of inlineAssociations(r, targets)) {
          assoc.get(t)!.push(...toIds.map((toId) => ({ fromId: r.id, toId })));
        }
      }
      await writePage(type, page.records, assoc, m, counts);
    }
  } else {
    for await (const page of searchModified(type, properties, plan.sinceMs, plan.untilMs, stats)) {
      counts.fetched += page.records.length;
      const ids = page.records.map((r) => r.id);
      const assoc = new Map<TWarehouseObjectType, { fromId: string; toId: string }[]>();
      for (const t of targets) assoc.set(t, await readAssociations(type, t, ids, stats));
      await writePage(type, page.records, assoc, m, counts);
    }
  }

  for await (const page of listAll(type, ["hs_object_id"], true, stats)) {
    counts.archived += await markArchived(
      db(),
      type,
      page.records.map((r) => r.id),
    );
  }
  if (plan.kind === "full") counts.archived += await archiveUnseen(type, plan.runStartedAt);

  counts.calls = stats.calls;
  counts.windows = stats.windows;
  counts.splits = stats.splits;
  return counts;
}
