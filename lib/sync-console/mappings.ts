import "server-only";
import { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";

/** The Mappings tab's filter: free text (email or either id) and mapping status. */
export const ZMappingFilter = z.object({
  q: z.string().trim().max(200).optional(),
  status: z.enum(["ok", "error", "customer_deleted", "contact_deleted", "all"]).default("all"),
});
export type TMappingFilter = z.infer<typeof ZMappingFilter>;

export function parseMappingFilter(params: URLSearchParams): TMappingFilter {
  const parsed = ZMappingFilter.safeParse({
    q: params.get("q") || undefined,
    status: params.get("status") || undefined,
  });
  return parsed.success ? parsed.data : ZMappingFilter.parse({});
}

export function mappingWhere(filter: TMappingFilter): Prisma.ContactCustomerMapWhereInput {
  const where: Prisma.ContactCustomerMapWhereInput = {};
  if (filter.status !== "all") where.status = filter.status;
  if (filter.q) {
    where.OR = [
      { email: { contains: filter.q, mode: "insensitive" } },
      { hubspotContactId: filter.q },
      { stripeCustomerId: filter.q },
    ];
  }
  return where;
}

export interface TMappingRow {
  id: string;
  hubspotContactId: string;
  stripeCustomerId: string;
  email: string | null;
  status: string;
  lastError: string | null;
  lastSyncToStripeAt: string | null;
  lastSyncToHubspotAt: string | null;
  updatedAt: string;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export async function listMappings(
  filter: TMappingFilter,
  page = { limit: 50, offset: 0 },
): Promise<{ rows: TMappingRow[]; total: number }> {
  const where = mappingWhere(filter);
  const [rows, total] = await Promise.all([
    db().contactCustomerMap.findMany({
      where,
      orderBy: { updatedAt: "desc" },
      take: Math.min(page.limit, 200),
      skip: page.offset,
    }),
    db().contactCustomerMap.count({ where }),
  ]);
  return {
    total,
    rows: rows.map((r) => ({
      id: r.id,
      hubspotContactId: r.hubspotContactId,
      stripeCustomerId: r.stripeCustomerId,
      email: r.email,
      status: r.status,
      lastError: r.lastError,
      lastSyncToStripeAt: iso(r.lastSyncToStripeAt),
      lastSyncToHubspotAt: iso(r.lastSyncToHubspotAt),
      updatedAt: r.updatedAt.toISOString(),
    })),
  };
}

/** One line of a record's history, whatever table it came from, in time order. */
export interface THistoryEntry {
  at: string;
  kind: "webhook" | "decision" | "write" | "purchase";
  system: string | null;
  /** What happened, e.g. `customer.updated`, `applied`, `wrote email, name`. */
  summary: string;
  direction: string | null;
  statusCode: number | null;
  lagMs: number | null;
  detail: string | null;
}

const HISTORY_LIMIT = 300;
/** Inbox rows carry no object id column: their payloads are searched over this many recent days. */
const WEBHOOK_LOOKBACK_DAYS = 30;

/**
 * Everything RevBridge knows about one contact ⇄ customer pair: inbox deliveries for either object,
 * every decision and attempt (SyncLog, with API status codes), every write (WriteLedger) and purchases.
 */
export async function mappingHistory(
  id: string,
): Promise<{ mapping: TMappingRow; entries: THistoryEntry[] }> {
  const m = await db().contactCustomerMap.findUnique({ where: { id } });
  if (!m)
    throw new AppError("not_found", "No mapping with that id; it may have been remapped after a merge.");
  const contact = m.hubspotContactId;
  const customer = m.stripeCustomerId;
  const since = new Date(Date.now() - WEBHOOK_LOOKBACK_DAYS * 24 * 3600_000);
  const client = db();
  const [logs, writes, webhooks, purchases] = await Promise.all([
    client.syncLog.findMany({
      where: {
        OR: [
          { sourceSystem: "HUBSPOT", sourceId: contact },
          { targetSystem: "HUBSPOT", targetId: contact },
          { sourceSystem: "STRIPE", sourceId: customer },
          { targetSystem: "STRIPE", targetId: customer },
        ],
      },
      orderBy: { createdAt: "desc" },
      take: HISTORY_LIMIT,
    }),
    client.writeLedger.findMany({
      where: {
        OR: [
          { system: "HUBSPOT", objectId: contact },
          { system: "STRIPE", objectId: customer },
        ],
      },
      orderBy: { writtenAt: "desc" },
      take: HISTORY_LIMIT,
    }),
    client.$queryRaw<
      { id: string; provider: string; type: string; receivedAt: Date; status: string; error: string | null }[]
    >`
      SELECT id, provider::text AS provider, type, "receivedAt", status::text AS status, error
        FROM "WebhookEvent"
       WHERE "receivedAt" >= ${since}
         AND ((provider = 'HUBSPOT' AND payload->>'objectId' = ${contact})
           OR (provider = 'STRIPE' AND (payload#>>'{data,object,id}' = ${customer}
                                     OR payload#>>'{data,object,customer}' = ${customer})))
       ORDER BY "receivedAt" DESC
       LIMIT ${HISTORY_LIMIT}`,
    client.purchase.findMany({
      where: { OR: [{ stripeCustomerId: customer }, { hubspotContactId: contact }] },
      orderBy: { paidAt: "desc" },
      take: HISTORY_LIMIT,
    }),
  ]);
  const entries: THistoryEntry[] = [
    ...webhooks.map((w) => ({
      at: w.receivedAt.toISOString(),
      kind: "webhook" as const,
      system: w.provider,
      summary: w.type,
      direction: null,
      statusCode: null,
      lagMs: null,
      detail: `inbox ${w.status.toLowerCase()}${w.error ? `: ${w.error}` : ""}`,
    })),
    ...logs.map((l) => ({
      at: l.createdAt.toISOString(),
      kind: "decision" as const,
      system: l.targetSystem ?? l.sourceSystem,
      summary: l.outcome,
      direction: l.direction,
      statusCode: l.statusCode,
      lagMs: l.lagMs,
      detail: l.message,
    })),
    ...writes.map((w) => ({
      at: w.writtenAt.toISOString(),
      kind: "write" as const,
      system: w.system,
      summary: `wrote ${w.fields.join(", ") || "(no fields)"}`,
      direction: w.system === "STRIPE" ? "hubspot_to_stripe" : "stripe_to_hubspot",
      statusCode: null,
      lagMs: null,
      detail: w.echoedAt ? `echo recognised and dropped at ${w.echoedAt.toISOString()}` : null,
    })),
    ...purchases.map((p) => ({
      at: p.paidAt.toISOString(),
      kind: "purchase" as const,
      system: "STRIPE",
      summary: `purchase ${(p.amount / 100).toFixed(2)} ${p.currency.toUpperCase()}`,
      direction: "purchase",
      statusCode: null,
      lagMs: null,
      detail: `${p.purchaseKey} via ${p.sources.join(", ")}${p.hubspotSyncedAt ? " · on HubSpot" : " · not on HubSpot yet"}`,
    })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  return {
    mapping: {
      id: m.id,
      hubspotContactId: contact,
      stripeCustomerId: customer,
      email: m.email,
      status: m.status,
      lastError: m.lastError,
      lastSyncToStripeAt: iso(m.lastSyncToStripeAt),
      lastSyncToHubspotAt: iso(m.lastSyncToHubspotAt),
      updatedAt: m.updatedAt.toISOString(),
    },
    entries,
  };
}
