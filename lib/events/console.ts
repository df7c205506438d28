import "server-only";
import { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import { maskPersonalData, maskText } from "@/lib/events/mask";
import { readEventMapping, readEventsMode } from "@/lib/events/settings";
import { OutboxStatus } from "@/lib/generated/prisma/enums";

/** What the console's Events page reads: recent events (personal data masked), counts, mode. */

export const ZEventFilters = z.object({
  status: z.enum(Object.values(OutboxStatus) as [OutboxStatus, ...OutboxStatus[]]).optional(),
  type: z.string().max(100).optional(),
  /** Received on or after (YYYY-MM-DD or ISO). */
  from: z.coerce.date().optional(),
  /** Received before the end of this day (YYYY-MM-DD) or this instant (ISO). */
  to: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type TEventFilters = z.infer<typeof ZEventFilters>;

export interface TEventRow {
  id: string;
  eventId: string;
  type: string;
  status: OutboxStatus;
  mode: string;
  occurredAt: string;
  receivedAt: string;
  processedAt: string | null;
  attemptCount: number;
  lastError: string | null;
  hubspotContactId: string | null;
  /** The event as received and what was (or would have been) sent, with personal data masked. */
  preview: unknown;
}

function endOf(to: string): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(to)) return new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000);
  const d = new Date(to);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export async function listEvents(filters: TEventFilters): Promise<TEventRow[]> {
  const receivedAt: Prisma.DateTimeFilter = {};
  if (filters.from) receivedAt.gte = filters.from;
  const to = filters.to ? endOf(filters.to) : undefined;
  if (to) receivedAt.lt = to;
  const rows = await db().outboxEvent.findMany({
    where: {
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.type ? { type: filters.type } : {}),
      ...(filters.from || to ? { receivedAt } : {}),
    },
    orderBy: { receivedAt: "desc" },
    take: filters.limit,
  });
  return rows.map((r) => ({
    id: r.id,
    eventId: r.eventId,
    type: r.type,
    status: r.status,
    mode: r.mode,
    occurredAt: r.occurredAt.toISOString(),
    receivedAt: r.receivedAt.toISOString(),
    processedAt: r.processedAt?.toISOString() ?? null,
    attemptCount: r.attemptCount,
    // HubSpot's error messages can quote the contact's email back.
    lastError: r.lastError ? maskText(r.lastError) : null,
    hubspotContactId: r.hubspotContactId,
    preview: maskPersonalData({
      received: { email: r.email, externalId: r.externalId, properties: r.properties },
      sent: r.sentPayload,
    }),
  }));
}

export async function eventCounts(): Promise<Record<string, number>> {
  const since = new Date(Date.now() - 86_400_000);
  const grouped = await db().outboxEvent.groupBy({
    by: ["status"],
    where: { receivedAt: { gte: since } },
    _count: true,
  });
  return Object.fromEntries(grouped.map((g) => [g.status, g._count]));
}

export async function eventsOverview(filters: TEventFilters) {
  const [mode, events, counts, mapping] = await Promise.all([
    readEventsMode({ fresh: true }),
    listEvents(filters),
    eventCounts(),
    readEventMapping(),
  ]);
  return { mode, events, counts24h: counts, mapping: mapping.mapping, mappingIsDefault: mapping.isDefault };
}
export type TEventsOverview = Awaited<ReturnType<typeof eventsOverview>>;
