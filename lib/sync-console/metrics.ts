import "server-only";
import { db } from "@/lib/db";
import type { Provider } from "@/lib/generated/prisma/enums";
import { governorUsage } from "@/lib/sync/governor";
import { listRateLimits } from "@/lib/settings/rate-limits";

/**
 * Every figure on the Sync page, aggregated in PostgreSQL (date_trunc per minute, percentile_cont for
 * lag) so the browser receives a few hundred numbers however many rows the window holds.
 */

/** Outcomes that mean the engine did its job (a skip is a correct decision, not a failure). */
export const SUCCESS_OUTCOMES = ["applied", "skipped_echo", "skipped_stale", "skipped_unchanged", "replayed"];
/** `failed` is one failed attempt (Inngest retries it); `dead_lettered` is the last one. */
export const FAILURE_OUTCOMES = ["failed", "dead_lettered"];

export interface TMinutePoint {
  /** Start of the minute, ISO. */
  minute: string;
  hubspotWebhooks: number;
  stripeWebhooks: number;
  succeeded: number;
  failed: number;
  /** Failed attempts that Inngest will try again (SyncLog `failed`). */
  retries: number;
  deadLettered: number;
  /** API calls the governor granted this minute (every bucket: what hubspotCall / stripeCall sent). */
  hubspotCalls: number;
  stripeCalls: number;
  /** 429s the providers answered this minute. */
  hubspotThrottled: number;
  stripeThrottled: number;
  /** The default bucket's limit (requests/s) in force that minute; null when no call was made. */
  hubspotLimitPerSecond: number | null;
  stripeLimitPerSecond: number | null;
  lagP50Ms: number | null;
  lagP95Ms: number | null;
}

export interface TBucketUsage {
  provider: Provider;
  bucket: string;
  ratePerSecond: number;
  burst: number;
  /** Null while the built-in default applies. */
  policyUpdatedAt: string | null;
  /** Monotonic counters kept by the governor; the page turns successive samples into a rate. */
  grantedTotal: number;
  throttledTotal: number;
  pausedUntil: string | null;
}

export interface TSyncMetrics {
  generatedAt: string;
  windowMinutes: number;
  minutes: TMinutePoint[];
  totals: {
    webhooks: number;
    succeeded: number;
    failed: number;
    retries: number;
    /** Webhooks recognised as echoes of RevBridge's own writes and dropped (SyncLog `skipped_echo`). */
    echoesSuppressed: number;
    /** Changes that looked like an echo but were newer than our write, so they were synced (lib/sync/echo.ts). */
    nearMisses: number;
    /** succeeded / (succeeded + dead-lettered) over the window; null when nothing happened. */
    successRate: number | null;
    lagP50Ms: number | null;
    lagP95Ms: number | null;
  };
  lagByDirection: { direction: string; count: number; p50Ms: number; p95Ms: number }[];
  inbox: {
    /** Accepted but not processed yet (RECEIVED + HANDED_OFF). */
    backlog: number;
    byStatus: Partial<Record<string, number>>;
    oldestWaitingAt: string | null;
    oldestAgeSeconds: number | null;
  };
  deadLetters: { open: number; createdInWindow: number };
  governor: TBucketUsage[];
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function emptyPoint(minute: Date): TMinutePoint {
  return {
    minute: minute.toISOString(),
    hubspotWebhooks: 0,
    stripeWebhooks: 0,
    succeeded: 0,
    failed: 0,
    retries: 0,
    deadLettered: 0,
    hubspotCalls: 0,
    stripeCalls: 0,
    hubspotThrottled: 0,
    stripeThrottled: 0,
    hubspotLimitPerSecond: null,
    stripeLimitPerSecond: null,
    lagP50Ms: null,
    lagP95Ms: null,
  };
}

export async function loadSyncMetrics(
  opts: { now?: Date; windowMinutes?: number } = {},
): Promise<TSyncMetrics> {
  const now = opts.now ?? new Date();
  const windowMinutes = Math.min(Math.max(opts.windowMinutes ?? 60, 5), 24 * 60);
  const endMinute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const since = new Date(endMinute.getTime() - (windowMinutes - 1) * 60_000);
  const client = db();

  const [
    webhooks,
    outcomes,
    calls,
    lagPerMinute,
    totalsLag,
    lagByDirection,
    inbox,
    oldest,
    dlOpen,
    dlCreated,
    limits,
    usage,
  ] = await Promise.all([
    client.$queryRaw<{ minute: Date; provider: Provider; n: bigint }[]>`
        SELECT date_trunc('minute', "receivedAt") AS minute, provider, count(*) AS n
          FROM "WebhookEvent"
         WHERE "receivedAt" >= ${since} AND "receivedAt" <= ${now}
         GROUP BY 1, 2`,
    client.$queryRaw<
      {
        minute: Date;
        succeeded: bigint;
        failed: bigint;
        dead: bigint;
        echoes: bigint;
        near_misses: bigint;
      }[]
    >`
        SELECT date_trunc('minute', "createdAt") AS minute,
               count(*) FILTER (WHERE outcome = ANY(${SUCCESS_OUTCOMES}::text[])) AS succeeded,
               count(*) FILTER (WHERE outcome = 'failed') AS failed,
               count(*) FILTER (WHERE outcome = 'dead_lettered') AS dead,
               count(*) FILTER (WHERE outcome = 'skipped_echo') AS echoes,
               count(*) FILTER (WHERE outcome = 'applied' AND message LIKE 'near-miss echo%') AS near_misses
          FROM "SyncLog"
         WHERE "createdAt" >= ${since} AND "createdAt" <= ${now}
         GROUP BY 1`,
    // What the governor granted (lib/sync/governor.ts counts every call as it lets it through).
    client.$queryRaw<
      { minute: Date; provider: Provider; calls: bigint; throttled: bigint; rate: number | null }[]
    >`
        SELECT minute, provider, sum(calls) AS calls, sum(throttled) AS throttled,
               max("ratePerSecond") FILTER (WHERE bucket = 'default') AS rate
          FROM "RateLimitMinute"
         WHERE minute >= ${since} AND minute <= ${now} AND provider IN ('HUBSPOT', 'STRIPE')
         GROUP BY 1, 2`,
    client.$queryRaw<{ minute: Date; p50: number | null; p95: number | null }[]>`
        SELECT date_trunc('minute', "createdAt") AS minute,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY "lagMs") AS p50,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY "lagMs") AS p95
          FROM "SyncLog"
         WHERE "createdAt" >= ${since} AND "createdAt" <= ${now} AND "lagMs" IS NOT NULL AND outcome = 'applied'
         GROUP BY 1`,
    client.$queryRaw<{ p50: number | null; p95: number | null }[]>`
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY "lagMs") AS p50,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY "lagMs") AS p95
          FROM "SyncLog"
         WHERE "createdAt" >= ${since} AND "createdAt" <= ${now} AND "lagMs" IS NOT NULL AND outcome = 'applied'`,
    client.$queryRaw<{ direction: string; n: bigint; p50: number; p95: number }[]>`
        SELECT direction, count(*) AS n,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY "lagMs") AS p50,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY "lagMs") AS p95
          FROM "SyncLog"
         WHERE "createdAt" >= ${since} AND "createdAt" <= ${now} AND "lagMs" IS NOT NULL AND outcome = 'applied'
         GROUP BY 1 ORDER BY 1`,
    client.webhookEvent.groupBy({ by: ["status"], _count: { _all: true } }),
    client.webhookEvent.findFirst({
      where: { status: { in: ["RECEIVED", "HANDED_OFF"] } },
      orderBy: { receivedAt: "asc" },
      select: { receivedAt: true },
    }),
    client.deadLetter.count({ where: { status: "open" } }),
    client.deadLetter.count({ where: { createdAt: { gte: since, lte: now } } }),
    listRateLimits(),
    governorUsage(),
  ]);

  const points = new Map<number, TMinutePoint>();
  for (let t = since.getTime(); t <= endMinute.getTime(); t += 60_000) points.set(t, emptyPoint(new Date(t)));
  const at = (d: Date) => points.get(d.getTime());
  for (const w of webhooks) {
    const p = at(w.minute);
    if (!p) continue;
    if (w.provider === "HUBSPOT") p.hubspotWebhooks += num(w.n);
    if (w.provider === "STRIPE") p.stripeWebhooks += num(w.n);
  }
  for (const o of outcomes) {
    const p = at(o.minute);
    if (!p) continue;
    p.succeeded = num(o.succeeded);
    p.retries = num(o.failed);
    p.deadLettered = num(o.dead);
    p.failed = p.retries + p.deadLettered;
  }
  for (const c of calls) {
    const p = at(c.minute);
    if (!p) continue;
    if (c.provider === "HUBSPOT") {
      p.hubspotCalls = num(c.calls);
      p.hubspotThrottled = num(c.throttled);
      p.hubspotLimitPerSecond = numOrNull(c.rate);
    } else {
      p.stripeCalls = num(c.calls);
      p.stripeThrottled = num(c.throttled);
      p.stripeLimitPerSecond = numOrNull(c.rate);
    }
  }
  for (const l of lagPerMinute) {
    const p = at(l.minute);
    if (!p) continue;
    p.lagP50Ms = numOrNull(l.p50);
    p.lagP95Ms = numOrNull(l.p95);
  }
  const minutes = [...points.values()];
  const sum = (f: (p: TMinutePoint) => number) => minutes.reduce((n, p) => n + f(p), 0);
  const succeeded = sum((p) => p.succeeded);
  const deadLettered = sum((p) => p.deadLettered);
  const byStatus = Object.fromEntries(inbox.map((r) => [r.status, r._count._all]));
  const usageByKey = new Map(usage.map((u) => [`${u.provider}:${u.bucket}`, u]));

  return {
    generatedAt: now.toISOString(),
    windowMinutes,
    minutes,
    totals: {
      webhooks: sum((p) => p.hubspotWebhooks + p.stripeWebhooks),
      succeeded,
      failed: sum((p) => p.failed),
      retries: sum((p) => p.retries),
      echoesSuppressed: outcomes.reduce((n, o) => n + num(o.echoes), 0),
      nearMisses: outcomes.reduce((n, o) => n + num(o.near_misses), 0),
      successRate: succeeded + deadLettered === 0 ? null : succeeded / (succeeded + deadLettered),
      lagP50Ms: numOrNull(totalsLag[0]?.p50),
      lagP95Ms: numOrNull(totalsLag[0]?.p95),
    },
    lagByDirection: lagByDirection.map((r) => ({
      direction: r.direction,
      count: num(r.n),
      p50Ms: Number(r.p50),
      p95Ms: Number(r.p95),
    })),
    inbox: {
      backlog: (byStatus.RECEIVED ?? 0) + (byStatus.HANDED_OFF ?? 0),
      byStatus,
      oldestWaitingAt: oldest?.receivedAt.toISOString() ?? null,
      oldestAgeSeconds: oldest ? Math.max(0, (now.getTime() - oldest.receivedAt.getTime()) / 1000) : null,
    },
    deadLetters: { open: dlOpen, createdInWindow: dlCreated },
    governor: limits
      .filter(
        (l) =>
          l.provider === "HUBSPOT" || l.provider === "STRIPE" || usageByKey.has(`${l.provider}:${l.bucket}`),
      )
      .map((l) => {
        const u = usageByKey.get(`${l.provider}:${l.bucket}`);
        return {
          provider: l.provider,
          bucket: l.bucket,
          ratePerSecond: l.ratePerSecond,
          burst: l.burst,
          policyUpdatedAt: l.updatedAt?.toISOString() ?? null,
          grantedTotal: u?.grantedTotal ?? 0,
          throttledTotal: u?.throttledTotal ?? 0,
          pausedUntil: u?.pausedUntil?.toISOString() ?? null,
        };
      }),
  };
}
