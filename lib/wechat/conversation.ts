/**
 * What a callback message asks for, and what we answer: pure rules over the parsed XML and the
 * console-editable conversation settings (key `wechat.conversation`). No I/O, so every branch is unit-tested.
 */
import { z } from "zod";
import type { TWechatXml } from "./xml";

export const CONVERSATION_SETTING_KEY = "wechat.conversation";

export const ZReplyLanguage = z.enum(["zh", "en"]);
export type TReplyLanguage = z.infer<typeof ZReplyLanguage>;

const ZTemplate = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(600, "must be at most 600 characters (WeChat truncates long passive replies)")
  .refine((t) => t.includes("{code}"), { message: "must contain {code} where the code goes" });

export const ZConversationSettings = z.object({
  /** Menu CLICK EventKeys that ask for the code. */
  clickEventKeys: z.array(z.string().trim().min(1).max(128)).max(20),
  /** Text keywords that ask for the code (case-insensitive; Latin keywords match whole words). */
  keywords: z.array(z.string().trim().min(1).max(32)).max(50),
  /** Whether a follow (subscribe, also through a campaign QR) answers with the code. */
  replyOnSubscribe: z.boolean(),
  /** Language when the follower's is unknown (menu clicks and follows carry no text). */
  defaultLanguage: ZReplyLanguage,
  templates: z.object({ zh: ZTemplate, en: ZTemplate }),
});
export type TConversationSettings = z.infer<typeof ZConversationSettings>;

export const DEFAULT_CONVERSATION_SETTINGS: TConversationSettings = {
  clickEventKeys: ["GET_CODE"],
  keywords: ["code", "验证码", "我的码"],
  replyOnSubscribe: true,
  defaultLanguage: "zh",
  templates: {
    zh: "您的专属验证码：{code}\n填写报名表或咨询表时，请在“微信验证码”一栏填入此码，我们就能为您关联信息。",
    en: "Your personal code: {code}\nType it into the “WeChat code” field of the enquiry or application form so we can link your details.",
  },
};

export type TIntent =
  /** Issue (or re-read) the follower's code and reply with it. */
  | { kind: "code"; subscribe: boolean; scene: string | null; language: TReplyLanguage | null }
  /** Record the follow without replying (replyOnSubscribe off). */
  | { kind: "follow"; scene: string | null }
  | { kind: "unfollow" }
  /** Anything else: answer `success` and do nothing. */
  | { kind: "ignore" };

const HAN = /\p{Script=Han}/u;
const LATIN = /[A-Za-z]/;

/** A text's language, for picking the reply template: Chinese characters → zh, Latin letters → en. */
export function detectLanguage(text: string): TReplyLanguage | null {
  if (HAN.test(text)) return "zh";
  if (LATIN.test(text)) return "en";
  return null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Keyword match: CJK keywords anywhere in the text (请问验证码是多少？ asks for the code); Latin keywords
 * as whole words, case-insensitive, so "code" matches "my code?" but not "postcode" or "barcode".
 */
export function matchesKeyword(content: string, keywords: readonly string[]): boolean {
  const text = content.trim();
  if (!text) return false;
  return keywords.some((raw) => {
    const keyword = raw.trim();
    if (!keyword) return false;
    if (/^[\x20-\x7e]+$/.test(keyword)) {
      return new RegExp(`(^|[^A-Za-z0-9])${escapeRegExp(keyword)}($|[^A-Za-z0-9])`, "i").test(text);
    }
    return text.toLowerCase().includes(keyword.toLowerCase());
  });
}

/** `qrscene_open-day` → `open-day` (subscribe through a QR); other keys → null. */
export function sceneFromSubscribeKey(eventKey: string | undefined): string | null {
  if (!eventKey?.startsWith("qrscene_")) return null;
  const scene = eventKey.slice("qrscene_".length).trim();
  return scene || null;
}

export function classifyMessage(message: TWechatXml, settings: TConversationSettings): TIntent {
  const msgType = message.MsgType?.trim().toLowerCase();
  if (msgType === "text") {
    const content = message.Content ?? "";
    if (!matchesKeyword(content, settings.keywords)) return { kind: "ignore" };
    return { kind: "code", subscribe: false, scene: null, language: detectLanguage(content) };
  }
  if (msgType !== "event") return { kind: "ignore" };
  const event = message.Event?.trim().toLowerCase();
  if (event === "click") {
    const key = message.EventKey?.trim() ?? "";
    return settings.clickEventKeys.includes(key)
      ? { kind: "code", subscribe: false, scene: null, language: null }
      : { kind: "ignore" };
  }
  if (event === "subscribe") {
    const scene = sceneFromSubscribeKey(message.EventKey);
    return settings.replyOnSubscribe
      ? { kind: "code", subscribe: true, scene, language: null }
      : { kind: "follow", scene };
  }
  // An existing follower scanning a campaign QR: no attribution (first touch only), but the code is welcome.
  if (event === "scan") {
    return settings.replyOnSubscribe
      ? { kind: "code", subscribe: false, scene: null, language: null }
      : { kind: "ignore" };
  }
  if (event === "unsubscribe") return { kind: "unfollow" };
  return { kind: "ignore" };
}

/**
 * WeChat's retry identity: `msg:<MsgId>` for messages; events have no MsgId, so
 * `evt:<FromUserName>:<CreateTime>:<Event>` as WeChat's docs recommend.
 */
export function dedupeKeyFor(message: TWechatXml): string | null {
  const from = message.FromUserName?.trim();
  if (!from) return null;
  if (message.MsgId?.trim()) return `msg:${message.MsgId.trim()}`;
  const createTime = message.CreateTime?.trim();
  const event = message.Event?.trim();
  if (!createTime || !event) return null;
  return `evt:${from}:${createTime}:${event}`;
}

export function renderReply(
  settings: TConversationSettings,
  language: TReplyLanguage,
  formattedCode: string,
): string {
  return settings.templates[language].replaceAll("{code}", formattedCode);
}
