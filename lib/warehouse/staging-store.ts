import "server-only";
import { db } from "@/lib/db";
import type {
  TCompanyRow,
  TContactRow,
  TDealRow,
  TWarehouseObjectType,
} from "@/lib/warehouse/hubspot-objects";

/**
 * Writes a page of HubSpot records into the staging tables in one statement per table (unnest of
 * column arrays: ~100 rows per round trip instead of 100 round trips). A row already holding newer
 * data (a later lastModifiedAt) is never overwritten by an older read.
 */

type Tx = Parameters<Parameters<ReturnType<typeof db>["$transaction"]>[0]>[0];

/** Dates travel as ISO strings and are stored as UTC wall time, as Prisma stores DateTime. */
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function upsertContacts(tx: Tx, rows: TContactRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  return tx.$executeRaw`
    INSERT INTO "HubspotContact" (id, email, "firstName", "lastName", "lifecycleStage", "wechatCode",
      "wechatOpenid", "createdAt", "lastModifiedAt", archived, raw, "ingestedAt")
    SELECT id, email, fn, ln, ls, wc, wo, (ca::timestamptz AT TIME ZONE 'UTC'), (lm::timestamptz AT TIME ZONE 'UTC'), ar, raw::jsonb, (now() AT TIME ZONE 'UTC')
      FROM unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.email)}::text[],
        ${rows.map((r) => r.firstName)}::text[], ${rows.map((r) => r.lastName)}::text[],
        ${rows.map((r) => r.lifecycleStage)}::text[], ${rows.map((r) => r.wechatCode)}::text[],
        ${rows.map((r) => r.wechatOpenid)}::text[], ${rows.map((r) => iso(r.createdAt))}::text[],
        ${rows.map((r) => iso(r.lastModifiedAt))}::text[], ${rows.map((r) => r.archived)}::boolean[],
        ${rows.map((r) => r.raw)}::text[])
        AS t(id, email, fn, ln, ls, wc, wo, ca, lm, ar, raw)
    ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, "firstName" = EXCLUDED."firstName",
      "lastName" = EXCLUDED."lastName", "lifecycleStage" = EXCLUDED."lifecycleStage",
      "wechatCode" = EXCLUDED."wechatCode", "wechatOpenid" = EXCLUDED."wechatOpenid",
      "createdAt" = EXCLUDED."createdAt", "lastModifiedAt" = EXCLUDED."lastModifiedAt",
      archived = EXCLUDED.archived, raw = EXCLUDED.raw, "ingestedAt" = (now() AT TIME ZONE 'UTC')
    WHERE "HubspotContact"."lastModifiedAt" IS NULL OR EXCLUDED."lastModifiedAt" IS NULL
       OR EXCLUDED."lastModifiedAt" >= "HubspotContact"."lastModifiedAt"`;
}

export async function upsertCompanies(tx: Tx, rows: TCompanyRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  return tx.$executeRaw`
    INSERT INTO "HubspotCompany" (id, name, domain, "lastModifiedAt", archived, raw, "ingestedAt")
    SELECT id, name, domain, (lm::timestamptz AT TIME ZONE 'UTC'), ar, raw::jsonb, (now() AT TIME ZONE 'UTC')
      FROM unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.name)}::text[],
        ${rows.map((r) => r.domain)}::text[], ${rows.map((r) => iso(r.lastModifiedAt))}::text[],
        ${rows.map((r) => r.archived)}::boolean[], ${rows.map((r) => r.raw)}::text[])
        AS t(id, name, domain, lm, ar, raw)
    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, domain = EXCLUDED.domain,
      "lastModifiedAt" = EXCLUDED."lastModifiedAt", archived = EXCLUDED.archived, raw = EXCLUDED.raw,
      "ingestedAt" = (now() AT TIME ZONE 'UTC')
    WHERE "HubspotCompany"."lastModifiedAt" IS NULL OR EXCLUDED."lastModifiedAt" IS NULL
       OR EXCLUDED."lastModifiedAt" >= "HubspotCompany"."lastModifiedAt"`;
}

export async function upsertDeals(tx: Tx, rows: TDealRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  return tx.$executeRaw`
    INSERT INTO "HubspotDeal" (id, name, amount, currency, stage, "closeDate", "lastModifiedAt", archived,
      raw, "ingestedAt")
    SELECT id, name, amount::numeric, currency, stage, (cd::timestamptz AT TIME ZONE 'UTC'), (lm::timestamptz AT TIME ZONE 'UTC'), ar, raw::jsonb, (now() AT TIME ZONE 'UTC')
      FROM unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.name)}::text[],
        ${rows.map((r) => r.amount)}::text[], ${rows.map((r) => r.currency)}::text[],
        ${rows.map((r) => r.stage)}::text[], ${rows.map((r) => iso(r.closeDate))}::text[],
        ${rows.map((r) => iso(r.lastModifiedAt))}::text[], ${rows.map((r) => r.archived)}::boolean[],
        ${rows.map((r) => r.raw)}::text[])
        AS t(id, name, amount, currency, stage, cd, lm, ar, raw)
    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, amount = EXCLUDED.amount,
      currency = EXCLUDED.currency, stage = EXCLUDED.stage, "closeDate" = EXCLUDED."closeDate",
      "lastModifiedAt" = EXCLUDED."lastModifiedAt", archived = EXCLUDED.archived, raw = EXCLUDED.raw,
      "ingestedAt" = (now() AT TIME ZONE 'UTC')
    WHERE "HubspotDeal"."lastModifiedAt" IS NULL OR EXCLUDED."lastModifiedAt" IS NULL
       OR EXCLUDED."lastModifiedAt" >= "HubspotDeal"."lastModifiedAt"`;
}

/**
 * Replaces the associations of `fromIds` towards `toType` with `pairs` (the complete current set
 * HubSpot returned for those records).
 */
export async function replaceAssociations(
  tx: Tx,
  fromType: TWarehouseObjectType,
  toType: TWarehouseObjectType,
  fromIds: string[],
  pairs: { fromId: string; toId: string }[],
): Promise<number> {
  if (fromIds.length === 0) return 0;
  await tx.$executeRaw`
    DELETE FROM "HubspotAssociation"
     WHERE "fromType" = ${fromType} AND "toType" = ${toType} AND "fromId" = ANY(${fromIds}::text[])`;
  if (pairs.length === 0) return 0;
  return tx.$executeRaw`
    INSERT INTO "HubspotAssociation" ("fromType", "fromId", "toType", "toId")
    SELECT ${fromType}, f, ${toType}, t
      FROM unnest(${pairs.map((p) => p.fromId)}::text[], ${pairs.map((p) => p.toId)}::text[]) AS x(f, t)
    ON CONFLICT DO NOTHING`;
}

const TABLE: Record<TWarehouseObjectType, string> = {
  contacts: `"HubspotContact"`,
  companies: `"HubspotCompany"`,
  deals: `"HubspotDeal"`,
};

/** Marks ids as archived in HubSpot (deleted); their rows stay for history but leave the views. */
export async function markArchived(tx: Tx, type: TWarehouseObjectType, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return tx.$executeRawUnsafe(
    `UPDATE ${TABLE[type]} SET archived = true, "ingestedAt" = (now() AT TIME ZONE 'UTC') WHERE id = ANY($1::text[]) AND NOT archived`,
    ids,
  );
}

/**
 * HubSpot merged `mergedIds` into `primaryId`: the merged-away rows point at the survivor and leave
 * the views, and every association that named them is moved to the survivor.
 */
export async function remapMerged(
  tx: Tx,
  type: TWarehouseObjectType,
  merges: { primaryId: string; mergedIds: string[] }[],
): Promise<number> {
  let n = 0;
  for (const { primaryId, mergedIds } of merges) {
    if (mergedIds.length === 0) continue;
    n += await tx.$executeRawUnsafe(
      `UPDATE ${TABLE[type]} SET "mergedIntoId" = $1, archived = true, "ingestedAt" = (now() AT TIME ZONE 'UTC')
        WHERE id = ANY($2::text[]) AND "mergedIntoId" IS DISTINCT FROM $1`,
      primaryId,
      mergedIds,
    );
    await tx.$executeRaw`
      INSERT INTO "HubspotAssociation" ("fromType", "fromId", "toType", "toId")
      SELECT "fromType", ${primaryId}, "toType", "toId" FROM "HubspotAssociation"
       WHERE "fromType" = ${type} AND "fromId" = ANY(${mergedIds}::text[])
      UNION
      SELECT "fromType", "fromId", "toType", ${primaryId} FROM "HubspotAssociation"
       WHERE "toType" = ${type} AND "toId" = ANY(${mergedIds}::text[])
      ON CONFLICT DO NOTHING`;
    await tx.$executeRaw`
      DELETE FROM "HubspotAssociation"
       WHERE ("fromType" = ${type} AND "fromId" = ANY(${mergedIds}::text[]))
          OR ("toType" = ${type} AND "toId" = ANY(${mergedIds}::text[]))`;
  }
  return n;
}

/**
 * After a full refresh: rows HubSpot no longer lists at all (purged after their 90 days in the
 * recycle bin) were not touched by this run; they are marked archived.
 */
export async function archiveUnseen(type: TWarehouseObjectType, runStartedAt: Date): Promise<number> {
  return db().$executeRawUnsafe(
    `UPDATE ${TABLE[type]} SET archived = true
      WHERE "ingestedAt" < ($1::timestamptz AT TIME ZONE 'UTC') AND NOT archived`,
    runStartedAt.toISOString(),
  );
}
