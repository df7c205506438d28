import "server-only";
import type { CountryCode } from "libphonenumber-js";
import { ProviderRejectedError } from "@/lib/connectors/errors";
import { db, type Prisma } from "@/lib/db";
import { batchReadBy, searchCompaniesBy } from "@/lib/imports/hubspot-batch";
import { normaliseCompanyName } from "@/lib/imports/normalise";
import {
  IMPORT_KEY_PROPERTY,
  IMPORT_OBJECTS,
  ZImportFiles,
  type TImportObject,
  type TRowValues,
} from "@/lib/imports/types";
import { validateJob } from "@/lib/imports/validate-job";

/**
 * The dry run: validates, then asks HubSpot (reads only) which rows would update an existing
 * record and which would create one, and what each would be associated with. Each pending row's
 * `reason` says what would happen; nothing is written to HubSpot.
 */

export interface TPreviewCounts {
  object: TImportObject;
  create: number;
  update: number;
  skip: number;
  associate: number;
  associationMissing: number;
}

const PAGE = 1000;
const EMAIL_DOMAIN = /@([^@]+)$/;

async function existingIds(object: TImportObject, rows: TRowValues[]): Promise<Map<string, string>> {
  const keys = [...new Set(rows.map((r) => r.key).filter((k): k is string => !!k))];
  if (object === "contacts") return batchReadBy("contacts", "email", keys);
  if (object === "companies") {
    const domains = [...new Set(rows.map((r) => r.properties.domain).filter((d): d is string => !!d))];
    const names = [
      ...new Set(
        rows
          .filter((r) => !r.properties.domain)
          .map((r) => r.properties.name)
          .filter((n): n is string => !!n),
      ),
    ];
    const byDomain = await searchCompaniesBy("domain", domains);
    const byName = names.length ? await searchCompaniesBy("name", names) : new Map<string, string>();
    const out = new Map<string, string>();
    for (const r of rows) {
      const id = r.properties.domain
        ? byDomain.get(r.properties.domain)
        : byName.get((r.properties.name ?? "").toLowerCase());
      if (id && r.key) out.set(r.key, id);
    }
    return out;
  }
  try {
    return await batchReadBy(object, IMPORT_KEY_PROPERTY, keys);
  } catch (error) {
    // The key property does not exist yet: nothing was ever imported, everything is new.
    if (error instanceof ProviderRejectedError && error.status === 400) return new Map();
    throw error;
  }
}

async function jobKeys(jobId: string, object: TImportObject): Promise<Set<string>> {
  const rows = await db().$queryRaw<{ key: string | null; domain: string | null; name: string | null }[]>`
    SELECT "values"->>'key' AS key, "values"->'properties'->>'domain' AS domain, "values"->'properties'->>'name' AS name
      FROM "ImportRow" WHERE "jobId" = ${jobId} AND object = ${object} AND outcome <> 'skipped'`;
  const out = new Set<string>();
  for (const r of rows) {
    if (r.key) out.add(r.key);
    if (r.domain) out.add(`domain:${r.domain}`);
    if (r.name) out.add(`name:${normaliseCompanyName(r.name)}`);
  }
  return out;
}

export async function previewJob(jobId: string, defaultCountry: CountryCode): Promise<TPreviewCounts[]> {
  await validateJob(jobId, defaultCountry, { onlyStale: true });
  const job = await db().importJob.findUniqueOrThrow({ where: { id: jobId } });
  const objects = IMPORT_OBJECTS.filter((o) => ZImportFiles.parse(job.files).some((f) => f.object === o));
  const companyKeys = await jobKeys(jobId, "companies");
  const contactKeys = await jobKeys(jobId, "contacts");
  const out: TPreviewCounts[] = [];
  for (const object of objects) {
    const counts = { object, create: 0, update: 0, skip: 0, associate: 0, associationMissing: 0 };
    counts.skip = await db().importRow.count({ where: { jobId, object, outcome: "skipped" } });
    let after = 0;
    for (;;) {
      const rows = await db().importRow.findMany({
        where: { jobId, object, outcome: "pending", rowNumber: { gt: after } },
        orderBy: { rowNumber: "asc" },
        take: PAGE,
        select: { id: true, rowNumber: true, values: true },
      });
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.rowNumber;
      const values = rows.map((r) => r.values as unknown as TRowValues);
      const existing = await existingIds(object, values);
      const ticketContacts =
        object === "tickets"
          ? await batchReadBy("contacts", "email", [
              ...new Set(
                values.map((v) => v.refs.contactEmail).filter((e): e is string => !!e && !contactKeys.has(e)),
              ),
            ])
          : new Map<string, string>();
      const plans = rows.map((r, i) => {
        const v = values[i]!;
        const id = v.key ? existing.get(v.key) : undefined;
        if (id) counts.update++;
        else counts.create++;
        let plan = id ? `Would update HubSpot record ${id}` : "Would create";
        const ref = associationPlan(object, v, companyKeys, contactKeys, ticketContacts);
        if (ref?.ok) counts.associate++;
        else if (ref) counts.associationMissing++;
        if (ref) plan += `; ${ref.text}`;
        return { id: r.id, reason: plan, hubspotId: id ?? null };
      });
      await db().$executeRaw`
        UPDATE "ImportRow" r SET reason = x.reason, "hubspotId" = x."hubspotId"
          FROM jsonb_to_recordset(${JSON.stringify(plans)}::jsonb) AS x(id text, reason text, "hubspotId" text)
         WHERE r.id = x.id`;
    }
    out.push(counts);
  }
  await db().importJob.update({
    where: { id: jobId },
    data: {
      status: "PREVIEWED",
      dryRun: true,
      progress: { preview: out as unknown as Prisma.InputJsonValue },
    },
  });
  return out;
}

function associationPlan(
  object: TImportObject,
  v: TRowValues,
  companyKeys: Set<string>,
  contactKeys: Set<string>,
  hubspotContacts: Map<string, string>,
): { ok: boolean; text: string } | null {
  if (object === "contacts") {
    const d = v.refs.companyDomain;
    const n = v.refs.companyName;
    if (d && companyKeys.has(`domain:${d}`)) return { ok: true, text: `associate with company ${d}` };
    if (n && companyKeys.has(`name:${normaliseCompanyName(n)}`))
      return { ok: true, text: `associate with company ${n}` };
    const emailDomain = v.properties.email ? EMAIL_DOMAIN.exec(v.properties.email)?.[1] : undefined;
    if (emailDomain && companyKeys.has(`domain:${emailDomain}`))
      return { ok: true, text: `associate with company ${emailDomain}` };
    return d || n ? { ok: false, text: `company "${d ?? n}" is not in this import` } : null;
  }
  if (object === "tickets" && v.refs.contactEmail) {
    const e = v.refs.contactEmail;
    if (contactKeys.has(e) || hubspotContacts.has(e))
      return { ok: true, text: `associate with contact ${e}` };
    return { ok: false, text: `no contact with e-mail ${e}` };
  }
  return null;
}
