import "server-only";
import { db } from "@/lib/db";
import { CODE_SLOT, touchForMessage } from "@/lib/identity/issue-code";
import { log } from "@/lib/logger";
import {
  classifyMessage,
  dedupeKeyFor,
  renderReply,
  type TConversationSettings,
  type TIntent,
} from "./conversation";
import { conversationSettings } from "./conversation-settings";
import { buildTextReply, type TWechatXml } from "./xml";

/**
 * Turns one verified, decrypted callback message into its passive reply (plain XML) or null (`success`).
 *
 * Hot path for a code request: the settings come from an in-memory cache, then one database round trip —
 * touchForMessage (dedupe check, follower upsert, code issued or read, reply rendered and stored for
 * retries, in the function `wechat_touch`). A retry of the same message gets the stored reply and writes
 * nothing.
 */
export async function replyToMessage(message: TWechatXml): Promise<string | null> {
  const settings = await conversationSettings();
  const intent = classifyMessage(message, settings);
  if (intent.kind === "ignore") return null;
  const openid = message.FromUserName?.trim();
  const dedupeKey = dedupeKeyFor(message);
  if (!openid || !dedupeKey) return null;

  if (intent.kind === "unfollow") {
    await recordUnfollow(dedupeKey, openid, message);
    return null;
  }

  const result = await touchForMessage(
    {
      openid,
      language: intent.kind === "code" ? intent.language : null,
      subscribe: subscribeOf(intent),
      withCode: intent.kind === "code",
    },
    {
      dedupeKey,
      msgType: message.MsgType ?? "",
      event: message.Event ?? null,
      replies: intent.kind === "code" ? replyTemplates(settings, openid, message.ToUserName ?? "") : null,
      defaultLanguage: settings.defaultLanguage,
    },
  );
  if (result.issued) log.info("wechat.code.issued", { openid, via: message.Event ?? message.MsgType });
  return result.reply;
}

/** Both languages' replies with CODE_SLOT for the code: the database picks by the follower's language. */
function replyTemplates(settings: TConversationSettings, toUser: string, fromUser: string) {
  const createTime = Math.floor(Date.now() / 1000);
  const build = (language: "zh" | "en") =>
    buildTextReply({ toUser, fromUser, createTime, content: renderReply(settings, language, CODE_SLOT) });
  return { zh: build("zh"), en: build("en") };
}

function subscribeOf(intent: TIntent): { scene: string | null } | null {
  if (intent.kind === "code" && intent.subscribe) return { scene: intent.scene };
  if (intent.kind === "follow") return { scene: intent.scene };
  return null;
}

/**
 * Stores an unfollow under its dedupe key and marks the follower, in one statement; a retry's copy finds
 * the key taken and changes nothing.
 */
async function recordUnfollow(dedupeKey: string, openid: string, message: TWechatXml): Promise<void> {
  await db().$executeRaw`
    WITH recorded AS (
      INSERT INTO "WechatMessage" ("id", "dedupeKey", "openid", "msgType", "event", "replyXml", "receivedAt")
      VALUES (gen_random_uuid()::text, ${dedupeKey}, ${openid}, ${message.MsgType ?? ""},
              ${message.Event ?? null}::text, NULL, now())
      ON CONFLICT ("dedupeKey") DO NOTHING
      RETURNING 1
    )
    UPDATE "WechatFollower" SET "unsubscribedAt" = now()
    WHERE "openid" = ${openid} AND EXISTS (SELECT 1 FROM recorded)`;
}
