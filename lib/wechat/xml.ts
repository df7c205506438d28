/**
 * WeChat callback XML: a flat `<xml>` whose values are CDATA text or bare numbers. We read only the
 * top-level fields and write only text replies, so a small, strict reader is enough: no attributes,
 * no DOCTYPE (refused outright, so no entity expansion tricks), nested elements kept as JSON text.
 *
 * Pure (no server-only): unit-tested and shared with the benchmark.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";

export type TWechatXml = Record<string, string>;

const parser = new XMLParser({
  parseTagValue: false,
  trimValues: false,
  ignoreAttributes: true,
  processEntities: true,
  htmlEntities: false,
});

/** Top-level fields of `<xml>…</xml>`, or null when the body is not well-formed WeChat XML. */
export function parseWechatXml(text: string): TWechatXml | null {
  if (text.length === 0 || /<!DOCTYPE|<!ENTITY/i.test(text)) return null;
  if (XMLValidator.validate(text) !== true) return null;
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch {
    return null;
  }
  const root = (parsed as { xml?: unknown } | null)?.xml;
  if (!root || typeof root !== "object" || Array.isArray(root)) return null;
  const out: TWechatXml = {};
  for (const [key, value] of Object.entries(root as Record<string, unknown>)) {
    if (typeof value === "string") out[key] = value;
    else if (typeof value === "number" || typeof value === "boolean") out[key] = String(value);
    else out[key] = JSON.stringify(value);
  }
  return out;
}

/** `]]>` cannot appear inside one CDATA section, so it is split across two. */
function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

export type TTextReply = {
  /** The follower's OpenID (the incoming FromUserName). */
  toUser: string;
  /** The account's original ID `gh_…` (the incoming ToUserName). */
  fromUser: string;
  createTime: number;
  content: string;
};

/** A passive text reply (被动回复文本消息). */
export function buildTextReply(reply: TTextReply): string {
  return (
    `<xml><ToUserName>${cdata(reply.toUser)}</ToUserName><FromUserName>${cdata(reply.fromUser)}</FromUserName>` +
    `<CreateTime>${reply.createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
    `<Content>${cdata(reply.content)}</Content></xml>`
  );
}

export type TEncryptedReply = { encrypt: string; msgSignature: string; timestamp: string; nonce: string };

/** The envelope of a safe-mode reply: the encrypted text reply plus its signature. */
export function buildEncryptedReply(sealed: TEncryptedReply): string {
  return (
    `<xml><Encrypt>${cdata(sealed.encrypt)}</Encrypt><MsgSignature>${cdata(sealed.msgSignature)}</MsgSignature>` +
    `<TimeStamp>${sealed.timestamp}</TimeStamp><Nonce>${cdata(sealed.nonce)}</Nonce></xml>`
  );
}
