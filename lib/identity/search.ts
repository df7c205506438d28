import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/logger";
import { hubspotCall } from "@/lib/connectors/hubspot/client";
import { classifyInput } from "@/lib/identity/classify";
import { formatCode } from "@/lib/identity/code";
import { labelOf, labelRecords, type TRecordLabel } from "@/lib/identity/record-labels";

/**
 * Console search over the identity graph: by OpenID, by code (read forgivingly; a mistyped code also
 * finds the issued codes one edit away), by a record id, or by email / name (warehouse contacts,
 * polled applications, and a live HubSpot search when HubSpot is connected).
 */

export interface TPersonHit {
  personId: string;
  code: string | null;
  followedAt: string | null;
  /** How the query found this person: `openid`, `code`, `similar_code`, `record`, `email_or_name`, `recent`. */
  matchedBy: string;
  links: { system: string; externalId: string; label: TRecordLabel | null }[];
}

const LIMIT = 25;

async function personsFromRecords(records: { system: "HUBSPOT" | "OPENAPPLY" | "STRIPE"; id: string }[]) {
  if (records.length === 0) return [];
  const links = await db().identityLink.findMany({
    where: { OR: records.map((r) => ({ system: r.system, externalId: r.id })) },
    select: { personId: true },
    take: LIMIT,
  });
  return links.map((l) => l.personId);
}

async function liveHubspotSearch(q: string): Promise<string[]> {
  if (!env().HUBSPOT_ACCESS_TOKEN) return [];
  try {
    const res = await hubspotCall(
      "search",
      (c) => c.crm.contacts.searchApi.doSearch({ query: q, limit: LIMIT, properties: ["email"] }),
      { maxWaitMs: 2_000 },
    );
    return res.results.map((r) => r.id);
  } catch (error) {
    log.warn("identity.search_hubspot_unavailable", { error });
    return [];
  }
}

async function byEmailOrName(q: string): Promise<string[]> {
  const like = { contains: q, mode: "insensitive" as const };
  const [contacts, applications, customers, live] = await Promise.all([
    db().hubspotContact.findMany({
      where: { OR: [{ email: like }, { firstName: like }, { lastName: like }] },
      select: { id: true },
      take: LIMIT,
    }),
    db().$queryRaw<{ studentId: string }[]>`
      SELECT "studentId" FROM "Application"
      WHERE raw->>'email' ILIKE ${`%${q}%`} OR raw->>'name' ILIKE ${`%${q}%`}
      LIMIT ${LIMIT}`,
    db().contactCustomerMap.findMany({
      where: { email: like },
      select: { stripeCustomerId: true },
      take: LIMIT,
    }),
    liveHubspotSearch(q),
  ]);
  return personsFromRecords([
    ...contacts.map((c) => ({ system: "HUBSPOT" as const, id: c.id })),
    ...live.map((id) => ({ system: "HUBSPOT" as const, id })),
    ...applications.map((a) => ({ system: "OPENAPPLY" as const, id: a.studentId })),
    ...customers.map((c) => ({ system: "STRIPE" as const, id: c.stripeCustomerId })),
  ]);
}

async function recentPersons(): Promise<string[]> {
  const links = await db().identityLink.findMany({
    where: { system: { not: "WECHAT" } },
    orderBy: { linkedAt: "desc" },
    select: { personId: true },
    take: LIMIT * 2,
  });
  return links.map((l) => l.personId);
}

async function hits(personIds: { id: string; matchedBy: string }[]): Promise<TPersonHit[]> {
  const seen = new Map<string, string>();
  for (const p of personIds) if (!seen.has(p.id)) seen.set(p.id, p.matchedBy);
  const ids = [...seen.keys()].slice(0, LIMIT);
  if (ids.length === 0) return [];
  const [followers, links] = await Promise.all([
    db().wechatFollower.findMany({ where: { openid: { in: ids } }, include: { code: true } }),
    db().identityLink.findMany({ where: { personId: { in: ids }, system: { not: "WECHAT" } } }),
  ]);
  const labels = await labelRecords(links);
  const followerOf = new Map(followers.map((f) => [f.openid, f]));
  return ids.map((id) => {
    const f = followerOf.get(id);
    return {
      personId: id,
      code: f?.code ? formatCode(f.code.code) : null,
      followedAt: f ? (f.subscribedAt ?? f.firstSeenAt).toISOString() : null,
      matchedBy: seen.get(id)!,
      links: links
        .filter((l) => l.personId === id)
        .map((l) => ({
          system: l.system,
          externalId: l.externalId,
          label: labelOf(labels, l.system, l.externalId),
        })),
    };
  });
}

export async function searchIdentities(query: string): Promise<TPersonHit[]> {
  const q = query.trim().slice(0, 200);
  if (!q) return hits((await recentPersons()).map((id) => ({ id, matchedBy: "recent" })));

  const found: { id: string; matchedBy: string }[] = [];
  const follower = await db().wechatFollower.findUnique({ where: { openid: q }, select: { openid: true } });
  if (follower) found.push({ id: follower.openid, matchedBy: "openid" });

  const classified = classifyInput(q);
  if (classified.kind === "valid") {
    const c = await db().userCode.findUnique({ where: { code: classified.normalized } });
    if (c) found.push({ id: c.openid, matchedBy: "code" });
  } else if (classified.kind === "check_failed" && classified.neighbours.length) {
    const similar = await db().userCode.findMany({ where: { code: { in: classified.neighbours } } });
    found.push(...similar.map((c) => ({ id: c.openid, matchedBy: "similar_code" })));
  }

  const byRecord = await db().identityLink.findMany({
    where: { externalId: q },
    select: { personId: true },
    take: LIMIT,
  });
  found.push(...byRecord.map((l) => ({ id: l.personId, matchedBy: "record" })));

  if (q.length >= 2 && found.length === 0) {
    found.push(...(await byEmailOrName(q)).map((id) => ({ id, matchedBy: "email_or_name" })));
  }
  return hits(found);
}
