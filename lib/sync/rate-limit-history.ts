import "server-only";
import { db } from "@/lib/db";

/**
 * How long the governor's per-minute call counts (`RateLimitMinute`, charted on the Sync page) are kept.
 * One row per bucket and minute is ~1,440 rows a bucket a day; 30 days covers every chart and a month of
 * "were we throttled last week?" questions.
 */
export const RATE_LIMIT_HISTORY_DAYS = 30;

/** Deletes per-minute counts older than `days`; returns how many rows went. */
export async function pruneRateLimitHistory(
  days = RATE_LIMIT_HISTORY_DAYS,
  now = new Date(),
): Promise<number> {
  const cutoff = new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
  const { count } = await db().rateLimitMinute.deleteMany({ where: { minute: { lt: cutoff } } });
  return count;
}
