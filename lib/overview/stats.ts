import "server-only";
import { db } from "@/lib/db";
import type { Provider, WebhookStatus } from "@/lib/generated/prisma/enums";

export interface TOverviewStats {
  staffCount: number;
  webhooks24h: { provider: Provider; count: number }[];
  inbox: { byStatus: Partial<Record<WebhookStatus, number>>; oldestPendingAt: string | null };
  auditActions7d: number;
  generatedAt: string;
}

/** Every figure on the Overview comes from here, straight from the database. */
export async function loadOverviewStats(now = new Date()): Promise<TOverviewStats> {
  const dayAgo = new Date(now.getTime() - 24 * 3600_000);
  const weekAgo = new Date(now.getTime() - 7 * 24 * 3600_000);
  const client = db();
  const [staffCount, byProvider, byStatus, oldestPending, auditActions7d] = await Promise.all([
    client.user.count({ where: { disabled: false } }),
    client.webhookEvent.groupBy({
      by: ["provider"],
      where: { receivedAt: { gte: dayAgo } },
      _count: { _all: true },
    }),
    client.webhookEvent.groupBy({ by: ["status"], _count: { _all: true } }),
    client.webhookEvent.findFirst({
      where: { status: "RECEIVED" },
      orderBy: { receivedAt: "asc" },
      select: { receivedAt: true },
    }),
    client.auditLog.count({ where: { createdAt: { gte: weekAgo } } }),
  ]);
  return {
    staffCount,
    webhooks24h: byProvider.map((r) => ({ provider: r.provider, count: r._count._all })),
    inbox: {
      byStatus: Object.fromEntries(byStatus.map((r) => [r.status, r._count._all])),
      oldestPendingAt: oldestPending?.receivedAt.toISOString() ?? null,
    },
    auditActions7d,
    generatedAt: now.toISOString(),
  };
}
