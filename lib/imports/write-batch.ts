import "server-only";
import { associationOf, lookupExistingLinks } from "@/lib/imports/association-lookup";
import { lookupExistingCompanies, type TExistingCompanies } from "@/lib/imports/company-lookup";
import { db } from "@/lib/db";
import {
  batchAssociate,
  batchCreate,
  batchReadBy,
  batchUpdate,
  batchUpsert,
  type TWriteInput,
  type TWriteResult,
} from "@/lib/imports/hubspot-batch";
import { normaliseCompanyName } from "@/lib/imports/normalise";
import { IMPORT_KEY_PROPERTY, type TImportObject, type TRowValues } from "@/lib/imports/types";

/**
 * Writes one batch (≤ 100 pending rows of one object) to HubSpot and records each row's outcome.
 *
 * Idempotent by construction, so a retry, a resume or a re-run of the same file never duplicates:
 * - contacts are unique by e-mail in HubSpot; companies and tickets carry `revbridge_import_key`
 *   (a unique custom property). A create that collides answers "Existing ID: n" for that row only
 *   (207 with our trace ids) and the row becomes an update of that record;
 * - companies are first looked up by domain (or name) so records that existed before RevBridge are
 *   updated, not duplicated;
 * - new records are created with their association inline (one call); updated ones get it through
 *   the v4 batch associations API (associating twice keeps one), except pairs HubSpot already has
 *   for the records an earlier import wrote (lib/imports/association-lookup.ts).
 * Provider errors that a retry can fix (429, 5xx) are thrown before anything is recorded; the rows
 * stay `pending` and the retry finds them again.
 */

export interface TBatchRange {
  from: number;
  to: number;
}

/**
 * What the batches of one object in one call share: the job's companies (contacts look their
 * company up there), read once when the first contacts batch needs them: every company of the job
 * is written before the first contact is (lib/imports/run.ts writes objects in order).
 */
export interface TWriteCache {
  companies?: Promise<Map<string, string>>;
  /** Pre-existing companies, looked up for several batches at once (lib/imports/company-lookup.ts). */
  existingCompanies?: (range: TBatchRange) => Promise<TExistingCompanies>;
  /** Associations records of earlier imports have, read for several batches at once. */
  existingLinks?: (range: TBatchRange) => Promise<Set<string>>;
}

interface TRow {
  id: string;
  rowNumber: number;
  values: TRowValues;
  /** On a pending row: the record it is expected to update (an earlier import, or the preview). */
  hubspotId: string | null;
}

interface TOutcome {
  id: string;
  outcome: "created" | "updated" | "failed";
  reason: string | null;
  hubspotId: string | null;
  associations: Record<string, string> | null;
}

const EMAIL_DOMAIN = /@([^@]+)$/;

/** Companies of this job already written: key (domain:…, name:…) → HubSpot id. */
async function companyIdsOfJob(jobId: string): Promise<Map<string, string>> {
  const rows = await db().$queryRaw<{ domain: string | null; name: string | null; hubspot_id: string }[]>`
    SELECT "values"->'properties'->>'domain' AS domain, "values"->'properties'->>'name' AS name, "hubspotId" AS hubspot_id
      FROM "ImportRow" WHERE "jobId" = ${jobId} AND object = 'companies' AND outcome IN ('created', 'updated')`;
  const map = new Map<string, string>();
  for (const r of rows) {
    if (r.domain) map.set(`domain:${r.domain}`, r.hubspot_id);
    if (r.name) map.set(`name:${normaliseCompanyName(r.name)}`, r.hubspot_id);
  }
  return map;
}

/** Contact ids by e-mail: this job's contacts first, then HubSpot for the rest. */
async function contactIdsFor(jobId: string, emails: string[]): Promise<Map<string, string>> {
  if (emails.length === 0) return new Map();
  const rows = await db().$queryRaw<{ key: string; hubspot_id: string }[]>`
    SELECT "values"->>'key' AS key, "hubspotId" AS hubspot_id FROM "ImportRow"
     WHERE "jobId" = ${jobId} AND object = 'contacts' AND outcome IN ('created', 'updated')
       AND "values"->>'key' = ANY(${emails})`;
  const map = new Map(rows.map((r) => [r.key, r.hubspot_id]));
  const missing = emails.filter((e) => !map.has(e));
  for (const [email, id] of await batchReadBy("contacts", "email", missing)) map.set(email, id);
  return map;
}

function companyRefFor(v: TRowValues, companies: Map<string, string>): { id?: string; missing?: string } {
  const tries: [string, string][] = [];
  if (v.refs.companyDomain) tries.push([`domain:${v.refs.companyDomain}`, v.refs.companyDomain]);
  if (v.refs.companyName)
    tries.push([`name:${normaliseCompanyName(v.refs.companyName)}`, v.refs.companyName]);
  const emailDomain = v.properties.email ? EMAIL_DOMAIN.exec(v.properties.email)?.[1] : undefined;
  if (emailDomain) tries.push([`domain:${emailDomain}`, emailDomain]);
  for (const [key] of tries) {
    const id = companies.get(key);
    if (id) return { id };
  }
  // Only explicit references are reported as missing; the e-mail domain is a best effort.
  const explicit = v.refs.companyDomain ?? v.refs.companyName;
  return explicit ? { missing: `company "${explicit}" is not in this import` } : {};
}

async function recordOutcomes(outcomes: TOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  await db().$executeRaw`
    UPDATE "ImportRow" r
       SET outcome = x.outcome, reason = x.reason, "hubspotId" = x."hubspotId", associations = x.associations
      FROM jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb)
           AS x(id text, outcome text, reason text, "hubspotId" text, associations jsonb)
     WHERE r.id = x.id AND r.outcome = 'pending'`;
}

/**
 * Marks the job's pending contacts and tickets whose key an earlier import already wrote with the
 * record it wrote (`hubspotId`), so a re-run upserts them in one call instead of a create that
 * fails and an update. One statement per object; rows already marked (by the preview) keep theirs.
 */
export async function markKnownRecords(jobId: string, object: TImportObject): Promise<void> {
  if (object === "companies") return; // matched by domain or name (lib/imports/company-lookup.ts)
  await db().$executeRaw`
    UPDATE "ImportRow" r SET "hubspotId" = p."hubspotId"
      FROM (SELECT DISTINCT ON (k) "values"->>'key' AS k, "hubspotId" FROM "ImportRow"
             WHERE object = ${object} AND "jobId" <> ${jobId} AND outcome IN ('created', 'updated')
             ORDER BY k, "rowNumber") p
     WHERE r."jobId" = ${jobId} AND r.object = ${object} AND r.outcome = 'pending'
       AND r."hubspotId" IS NULL AND r."values"->>'key' = p.k`;
}

/** Pending rows of one object, in ranges of ≤ 100 row numbers' worth of rows: the batches to run. */
export async function planBatches(jobId: string, object: TImportObject, size = 100): Promise<TBatchRange[]> {
  const rows = await db().importRow.findMany({
    where: { jobId, object, outcome: "pending" },
    orderBy: { rowNumber: "asc" },
    select: { rowNumber: true },
  });
  const out: TBatchRange[] = [];
  for (let i = 0; i < rows.length; i += size) {
    out.push({ from: rows[i]!.rowNumber, to: rows[Math.min(i + size, rows.length) - 1]!.rowNumber });
  }
  return out;
}

export async function writeBatch(
  jobId: string,
  object: TImportObject,
  range: TBatchRange,
  cache: TWriteCache = {},
): Promise<{ written: number; cancelled?: boolean }> {
  const job = await db().importJob.findUniqueOrThrow({ where: { id: jobId }, select: { cancelledAt: true } });
  if (job.cancelledAt) return { written: 0, cancelled: true };
  const rows: TRow[] = (
    await db().importRow.findMany({
      where: { jobId, object, outcome: "pending", rowNumber: { gte: range.from, lte: range.to } },
      orderBy: { rowNumber: "asc" },
      select: { id: true, rowNumber: true, values: true, hubspotId: true },
    })
  ).map((r) => ({ ...r, values: r.values as unknown as TRowValues }));
  if (rows.length === 0) return { written: 0 };

  // Association targets.
  const target = new Map<string, { id?: string; missing?: string }>();
  const assoc = associationOf(object);
  if (object === "contacts") {
    cache.companies ??= companyIdsOfJob(jobId);
    const companies = await cache.companies.catch((error: unknown) => {
      cache.companies = undefined; // a failed read is not kept: the next batch reads again
      throw error;
    });
    for (const r of rows) target.set(r.id, companyRefFor(r.values, companies));
  } else if (object === "tickets") {
    const emails = [...new Set(rows.map((r) => r.values.refs.contactEmail).filter((e): e is string => !!e))];
    const contacts = await contactIdsFor(jobId, emails);
    for (const r of rows) {
      const email = r.values.refs.contactEmail;
      if (email)
        target.set(
          r.id,
          contacts.has(email) ? { id: contacts.get(email) } : { missing: `no contact with e-mail ${email}` },
        );
    }
  }

  const propsOf = (r: TRow, withKey: boolean) =>
    withKey && object !== "contacts" && r.values.key
      ? { ...r.values.properties, [IMPORT_KEY_PROPERTY]: r.values.key }
      : r.values.properties;

  // Companies that existed before (by domain, else by name) are updated in place.
  const existing = new Map<string, string>();
  if (object === "companies") {
    const { byDomain, byName } = await (
      cache.existingCompanies ?? ((r) => lookupExistingCompanies(jobId, r))
    )(range);
    for (const r of rows) {
      const p = r.values.properties;
      const id = p.domain ? byDomain.get(p.domain) : p.name ? byName.get(p.name.toLowerCase()) : undefined;
      if (id) existing.set(r.id, id);
    }
  }

  // Rows known to exist already (contacts by e-mail, tickets by import key) are upserted: one call
  // whatever HubSpot has, where a create would fail for them and need an update after it.
  const idProperty = object === "contacts" ? "email" : IMPORT_KEY_PROPERTY;
  const known = object === "companies" ? [] : rows.filter((r) => r.hubspotId && r.values.key);
  const links =
    known.length > 0
      ? await (cache.existingLinks ?? ((span) => lookupExistingLinks(jobId, object, span)))(range)
      : new Set<string>();
  const upserted = await batchUpsert(
    object,
    idProperty,
    known.map((r) => ({ traceId: r.id, idValue: r.values.key!, properties: propsOf(r, true) })),
  );

  const toCreate: TWriteInput[] = rows
    .filter((r) => !existing.has(r.id) && !upserted.has(r.id))
    .map((r) => {
      const t = target.get(r.id)?.id;
      return {
        traceId: r.id,
        properties: propsOf(r, true),
        ...(t && assoc ? { associateTo: { id: t, typeId: assoc.typeId } } : {}),
      };
    });
  const created = await batchCreate(object, toCreate);

  const results = new Map<string, TWriteResult>(upserted);
  const toUpdate: (TWriteInput & { id: string })[] = [];
  for (const r of rows) {
    const c = created.get(r.id);
    const id = existing.get(r.id) ?? (c && !c.ok ? c.existingId : undefined);
    if (id) toUpdate.push({ traceId: r.id, id, properties: propsOf(r, false) });
    else if (c) results.set(r.id, c);
  }
  for (const [traceId, res] of await batchUpdate(object, toUpdate)) results.set(traceId, res);

  // Created records have their association inline; upserted and updated ones get it through the
  // associations API (100 pairs a call) unless HubSpot showed the pair on the record we upserted.
  const associationFailures = new Map<string, string>();
  if (assoc) {
    const pairs = rows
      .map((r) => ({ r, res: results.get(r.id), t: target.get(r.id)?.id }))
      .filter((x) => x.res?.ok && (!x.res.created || upserted.has(x.r.id)) && x.t)
      .map((x) => ({ fromId: (x.res as { id: string }).id, toId: x.t!, typeId: assoc.typeId, row: x.r }))
      .filter((p) => !(p.fromId === p.row.hubspotId && links.has(`${p.fromId}:${p.toId}`)));
    for (const [fromId, message] of await batchAssociate(object, assoc.to, pairs))
      associationFailures.set(fromId, message);
  }

  const outcomes: TOutcome[] = rows.map((r) => {
    const res = results.get(r.id) ?? { ok: false as const, message: "HubSpot did not answer for this row" };
    if (!res.ok)
      return { id: r.id, outcome: "failed", reason: res.message, hubspotId: null, associations: null };
    const t = target.get(r.id);
    const key = assoc?.to === "companies" ? "company" : "contact";
    const failure = associationFailures.get(res.id);
    const associations =
      !assoc || !t ? null : t.id && !failure ? { [key]: t.id } : { missing: failure ?? t.missing ?? "" };
    return {
      id: r.id,
      outcome: res.created ? "created" : "updated",
      reason: null,
      hubspotId: res.id,
      associations,
    };
  });
  await recordOutcomes(outcomes);
  return { written: outcomes.length };
}
