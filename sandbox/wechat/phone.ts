/**
 * The "phone": what a follower does in WeChat, pushed to the app's callback URL exactly as WeChat's
 * servers push it — XML body, `signature`/`timestamp`/`nonce`/`openid` query, plus `encrypt_type=aes` and
 * `msg_signature` in compatible and safe mode. WeChat waits 5 seconds and tries 3 times in all, with the
 * same MsgId / CreateTime, then reads the passive reply (decrypting it in safe mode) and records it.
 */
import { computeUrlSignature } from "@/lib/connectors/wechat/signature";
import { WechatCryptoError, openSealedMessage, sealMessage } from "@/lib/connectors/wechat/crypto";
import { generateMsgId, generateNonce, randomWechatString } from "./ids";
import { findQrCode } from "./qrcode";
import type { TRecordedReply, TWechatState } from "./state";
import { parseWechatXml, renderWechatXml, type TXmlField } from "./xml";

export const CALLBACK_TIMEOUT_MS = 5_000;
export const CALLBACK_ATTEMPTS = 3;

export class PhoneError extends Error {
  override name = "PhoneError";
}

export type TAttempt = { attempt: number; status?: number; error?: string; durationMs: number };
export type TCallbackOutcome = {
  msgId: string | null;
  createTime: number;
  attempts: TAttempt[];
  reply: TRecordedReply | null;
};
export type TPhoneOptions = { timeoutMs?: number; attempts?: number };

function cryptoConfig(state: TWechatState) {
  const a = state.account;
  return { token: a.token, encodingAesKey: a.encodingAesKey, appId: a.appId };
}

/** The request WeChat would send for one attempt: query string and body. */
export function buildCallbackRequest(
  state: TWechatState,
  openid: string,
  plainXml: string,
): { query: URLSearchParams; body: string } {
  const a = state.account;
  const timestamp = String(state.now());
  const nonce = generateNonce();
  const query = new URLSearchParams({
    signature: computeUrlSignature(a.token, timestamp, nonce),
    timestamp,
    nonce,
    openid,
  });
  if (a.mode === "plain") return { query, body: plainXml };
  const sealed = sealMessage(cryptoConfig(state), plainXml, timestamp, nonce);
  query.set("encrypt_type", "aes");
  query.set("msg_signature", sealed.msgSignature);
  const encryptField = `<Encrypt><![CDATA[${sealed.encrypt}]]></Encrypt>`;
  const body =
    a.mode === "safe"
      ? `<xml><ToUserName><![CDATA[${a.originalId}]]></ToUserName>${encryptField}</xml>`
      : plainXml.replace(/<\/xml>$/, `${encryptField}</xml>`);
  return { query, body };
}

/** Reads a passive reply as WeChat would: empty/"success" means none; safe mode demands encryption. */
export function readReply(
  state: TWechatState,
  openid: string,
  text: string,
): Pick<TRecordedReply, "message" | "problem" | "encrypted"> {
  const trimmed = text.trim();
  if (trimmed === "" || trimmed === "success") return { message: null, problem: null, encrypted: false };
  const outer = parseWechatXml(trimmed);
  if (!outer) return { message: null, problem: "reply is not XML", encrypted: false };
  let fields = outer;
  const encrypted = outer.Encrypt !== undefined;
  if (encrypted) {
    try {
      const inner = openSealedMessage(cryptoConfig(state), {
        encrypt: outer.Encrypt!,
        msgSignature: outer.MsgSignature ?? "",
        timestamp: outer.TimeStamp ?? "",
        nonce: outer.Nonce ?? "",
      });
      const parsed = parseWechatXml(inner);
      if (!parsed) return { message: null, problem: "decrypted reply is not XML", encrypted };
      fields = parsed;
    } catch (error) {
      const code = error instanceof WechatCryptoError ? error.code : "decrypt_failed";
      return { message: null, problem: `encrypted reply rejected: ${code}`, encrypted };
    }
  } else if (state.account.mode === "safe") {
    return { message: fields, problem: "plaintext reply in safe mode", encrypted };
  }
  if (fields.ToUserName !== openid)
    return { message: fields, problem: "ToUserName is not the follower", encrypted };
  if (fields.FromUserName !== state.account.originalId)
    return { message: fields, problem: "FromUserName is not the account", encrypted };
  if (!fields.MsgType) return { message: fields, problem: "MsgType missing", encrypted };
  if (fields.MsgType === "text" && !fields.Content)
    return { message: fields, problem: "text reply without Content", encrypted };
  return { message: fields, problem: null, encrypted };
}

async function deliver(
  state: TWechatState,
  openid: string,
  trigger: string,
  fields: TXmlField[],
  msgId: string | null,
  createTime: number,
  options: TPhoneOptions,
): Promise<TCallbackOutcome> {
  const plainXml = renderWechatXml(fields);
  const attempts: TAttempt[] = [];
  const maxAttempts = options.attempts ?? CALLBACK_ATTEMPTS;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const { query, body } = buildCallbackRequest(state, openid, plainXml);
    const url = new URL(state.account.callbackUrl);
    for (const [k, v] of query) url.searchParams.set(k, v);
    const started = Date.now();
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "text/xml", "user-agent": "Mozilla/4.0" },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? CALLBACK_TIMEOUT_MS),
      });
      const text = await res.text();
      attempts.push({ attempt, status: res.status, durationMs: Date.now() - started });
      const read =
        res.status === 200
          ? readReply(state, openid, text)
          : { message: null, problem: `callback answered HTTP ${res.status}`, encrypted: false };
      const reply: TRecordedReply = { openid, trigger, msgId, receivedAt: state.now(), ...read };
      state.replies.push(reply);
      return { msgId, createTime, attempts, reply };
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      attempts.push({
        attempt,
        error: timedOut ? "timeout" : (cause ?? String(error)),
        durationMs: Date.now() - started,
      });
    }
  }
  return { msgId, createTime, attempts, reply: null };
}

function baseFields(state: TWechatState, openid: string, createTime: number, msgType: string): TXmlField[] {
  return [
    ["ToUserName", state.account.originalId],
    ["FromUserName", openid],
    ["CreateTime", createTime],
    ["MsgType", msgType],
  ];
}

function interact(state: TWechatState, openid: string, requireSubscribed: boolean) {
  const follower = state.follower(openid);
  if (requireSubscribed && !follower.subscribed)
    throw new PhoneError(`${openid} does not follow the account`);
  follower.lastInteractionAt = state.now();
  return follower;
}

/** Follows the account, optionally by scanning a parametric QR code (ticket) or a bare scene. */
export function follow(
  state: TWechatState,
  openid: string,
  via: { ticket?: string; scene?: string } = {},
  options: TPhoneOptions = {},
) {
  let scene = via.scene ?? null;
  let ticket = via.ticket ?? null;
  if (ticket) {
    const qr = findQrCode(state, ticket);
    if (!qr) throw new PhoneError("QR ticket not found or expired");
    scene = qr.scene;
  } else if (scene) ticket = `gQ${randomWechatString(94)}`;
  const follower = state.follower(openid);
  const createTime = state.now();
  // An existing follower scanning a code gets SCAN (EventKey without the qrscene_ prefix), not subscribe.
  if (follower.subscribed && scene !== null) {
    interact(state, openid, true);
    const fields: TXmlField[] = [
      ...baseFields(state, openid, createTime, "event"),
      ["Event", "SCAN"],
      ["EventKey", scene],
      ["Ticket", ticket ?? ""],
    ];
    return deliver(state, openid, "SCAN", fields, null, createTime, options);
  }
  follower.subscribed = true;
  follower.subscribedAt = createTime;
  follower.scene = scene;
  interact(state, openid, false);
  const fields: TXmlField[] = [
    ...baseFields(state, openid, createTime, "event"),
    ["Event", "subscribe"],
    ["EventKey", scene !== null ? `qrscene_${scene}` : ""],
    ...(ticket ? ([["Ticket", ticket]] as TXmlField[]) : []),
  ];
  return deliver(state, openid, "subscribe", fields, null, createTime, options);
}

export function unfollow(state: TWechatState, openid: string, options: TPhoneOptions = {}) {
  const follower = state.follower(openid);
  if (!follower.subscribed) throw new PhoneError(`${openid} does not follow the account`);
  follower.subscribed = false;
  const createTime = state.now();
  const fields: TXmlField[] = [
    ...baseFields(state, openid, createTime, "event"),
    ["Event", "unsubscribe"],
    ["EventKey", ""],
  ];
  return deliver(state, openid, "unsubscribe", fields, null, createTime, options);
}

export function clickMenu(
  state: TWechatState,
  openid: string,
  eventKey: string,
  options: TPhoneOptions = {},
) {
  interact(state, openid, true);
  const createTime = state.now();
  const fields: TXmlField[] = [
    ...baseFields(state, openid, createTime, "event"),
    ["Event", "CLICK"],
    ["EventKey", eventKey],
  ];
  return deliver(state, openid, "CLICK", fields, null, createTime, options);
}

export function sendText(state: TWechatState, openid: string, content: string, options: TPhoneOptions = {}) {
  interact(state, openid, true);
  const createTime = state.now();
  const msgId = generateMsgId();
  const fields: TXmlField[] = [
    ...baseFields(state, openid, createTime, "text"),
    ["Content", content],
    ["MsgId", msgId],
  ];
  return deliver(state, openid, "text", fields, msgId, createTime, options);
}

/** The GET WeChat sends when the callback URL is saved: the server must echo `echostr`. */
export async function verifyServer(
  state: TWechatState,
): Promise<{ ok: boolean; status?: number; error?: string }> {
  const timestamp = String(state.now());
  const nonce = generateNonce();
  const echostr = randomWechatString(19, "0123456789");
  const url = new URL(state.account.callbackUrl);
  url.searchParams.set("signature", computeUrlSignature(state.account.token, timestamp, nonce));
  url.searchParams.set("echostr", echostr);
  url.searchParams.set("timestamp", timestamp);
  url.searchParams.set("nonce", nonce);
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS) });
    const text = await res.text();
    return { ok: res.status === 200 && text.trim() === echostr, status: res.status };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
