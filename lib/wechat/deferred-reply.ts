import "server-only";
import { inngest } from "@/inngest/client";
import { wechatReplyDeferred } from "@/inngest/events";
import { log } from "@/lib/logger";
import { dedupeKeyFor } from "./conversation";
import { replyToMessage } from "./handle-message";
import type { TWechatXml } from "./xml";

/**
 * WeChat waits 5 s for a passive reply, then retries (three times) and finally tells the follower the
 * account is unavailable. The normal path answers in milliseconds; when the database is slow we stop
 * waiting at this budget, answer `success` (which ends WeChat's retries) and hand the message to
 * `wechat-reply-push`, which finishes the same idempotent work and sends the reply as a customer-service
 * message. The work already started here keeps running and stores the reply under the message's dedupe key,
 * so the function usually only reads it.
 */
export const PASSIVE_REPLY_BUDGET_MS = 3_500;

export type TDeferReply = (dedupeKey: string, message: TWechatXml) => Promise<void>;

const deferWithInngest: TDeferReply = async (dedupeKey, message) => {
  // Event id from the dedupe key: a second deferral of the same message is dropped by Inngest.
  await inngest.send(wechatReplyDeferred.create({ dedupeKey, message }, { id: `wechat-reply:${dedupeKey}` }));
};

const TIMED_OUT = Symbol("timed out");

export async function replyWithinBudget(
  message: TWechatXml,
  options: { budgetMs?: number; defer?: TDeferReply } = {},
): Promise<string | null> {
  const budgetMs = options.budgetMs ?? PASSIVE_REPLY_BUDGET_MS;
  const work = replyToMessage(message);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), budgetMs);
  });
  const first = await Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  if (first !== TIMED_OUT) return first;

  const dedupeKey = dedupeKeyFor(message);
  if (!dedupeKey) return work;
  // The request has given up on `work`; keep its failure from becoming an unhandled rejection.
  work.catch((error: unknown) =>
    log.error("wechat.reply.background_failed", { dedupeKey, error: String(error) }),
  );
  try {
    await (options.defer ?? deferWithInngest)(dedupeKey, message);
  } catch (error) {
    // Without the hand-off nobody would send the reply: wait for it after all. If that misses WeChat's
    // 5 s, WeChat retries and the retry gets the stored reply.
    log.error("wechat.reply.defer_failed", { dedupeKey, error: String(error) });
    return work;
  }
  log.warn("wechat.reply.deferred", { dedupeKey, budgetMs });
  return null;
}
