import "server-only";
import { db } from "@/lib/db";
import { formatCode } from "@/lib/identity/code";
import { issueCode } from "@/lib/identity/issue-code";
import { log } from "@/lib/logger";
import { classifyMessage, dedupeKeyFor, renderReply, ZReplyLanguage, type TIntent } from "./conversation";
import { conversationSettings } from "./conversation-settings";
import { buildTextReply, type TWechatXml } from "./xml";

/**
 * Turns one verified, decrypted callback message into its passive reply (plain XML) or null (`success`).
 *
 * Hot path for a code request: the settings come from a short in-memory cache, then two statements —
 * issueCode (dedupe check + follower upsert + code, one round trip) and the WechatMessage insert that
 * stores the reply for retries. A retry of the same message finds the stored reply in the first statement
 * and writes nothing.
 */
export async function replyToMessage(message: TWechatXml): Promise<string | null> {
  const settings = await conversationSettings();
  const intent = classifyMessage(message, settings);
  if (intent.kind === "ignore") return null;
  const openid = message.FromUserName?.trim();
  const dedupeKey = dedupeKeyFor(message);
  if (!openid || !dedupeKey) return null;

  if (intent.kind === "unfollow") {
    await db().wechatFollower.updateMany({ where: { openid }, data: { unsubscribedAt: new Date() } });
    await recordMessage(dedupeKey, openid, message, null);
    return null;
  }

  const result = await issueCode({
    openid,
    language: intent.kind === "code" ? intent.language : null,
    subscribe: subscribeOf(intent),
    withCode: intent.kind === "code",
    dedupeKey,
  });
  if (result.duplicate) return result.storedReply;
  if (intent.kind !== "code" || !result.code) {
    await recordMessage(dedupeKey, openid, message, null);
    return null;
  }
  const language = ZReplyLanguage.safeParse(result.language).data ?? settings.defaultLanguage;
  const replyXml = buildTextReply({
    toUser: openid,
    fromUser: message.ToUserName ?? "",
    createTime: Math.floor(Date.now() / 1000),
    content: renderReply(settings, language, formatCode(result.code)),
  });
  const stored = await recordMessage(dedupeKey, openid, message, replyXml);
  if (result.issued) log.info("wechat.code.issued", { openid, via: message.Event ?? message.MsgType });
  return stored;
}

function subscribeOf(intent: TIntent): { scene: string | null } | null {
  if (intent.kind === "code" && intent.subscribe) return { scene: intent.scene };
  if (intent.kind === "follow") return { scene: intent.scene };
  return null;
}

/**
 * Stores the processed message and its reply; when a concurrent retry stored one first, returns that one,
 * so every copy of a message WeChat sends gets the same answer.
 */
async function recordMessage(
  dedupeKey: string,
  openid: string,
  message: TWechatXml,
  replyXml: string | null,
): Promise<string | null> {
  const rows = await db().$queryRaw<{ replyXml: string | null }[]>`
    INSERT INTO "WechatMessage" ("id", "dedupeKey", "openid", "msgType", "event", "replyXml", "receivedAt")
    VALUES (gen_random_uuid()::text, ${dedupeKey}, ${openid}, ${message.MsgType ?? ""}, ${message.Event ?? null}::text,
            ${replyXml}::text, now())
    ON CONFLICT ("dedupeKey") DO NOTHING
    RETURNING "replyXml"`;
  if (rows.length > 0) return replyXml;
  const existing = await db().wechatMessage.findUnique({ where: { dedupeKey }, select: { replyXml: true } });
  return existing?.replyXml ?? replyXml;
}
