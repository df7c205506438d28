import "server-only";
import { randomBytes } from "node:crypto";
import { readBodyBytes } from "@/lib/api/body";
import { sealMessage, openSealedMessage, WechatCryptoError } from "@/lib/connectors/wechat/crypto";
import { verifyUrlSignature } from "@/lib/connectors/wechat/signature";
import { AppError } from "@/lib/errors";
import type { TWechatCallbackConfig } from "./config";
import { replyWithinBudget, type TDeferReply } from "./deferred-reply";
import { buildEncryptedReply, parseWechatXml, type TWechatXml } from "./xml";

/**
 * The Official Account callback (`/api/wechat`): URL verification (GET) and messages (POST) in plain,
 * compatible and safe mode. Everything is verified before anything is written:
 *   plain      — `signature` = sha1(sort(token, timestamp, nonce)), compared in constant time;
 *   compatible/safe (`encrypt_type=aes`) — `msg_signature` over the `<Encrypt>` payload, then AES decryption,
 *                which also checks the AppID inside the ciphertext;
 *   both       — the signed `timestamp` within 5 minutes of our clock (older or future: a replay).
 * Refusals: malformed XML or stale timestamp 400, bad signature 401, undecryptable or foreign AppID 400/403 — with a log line
 * naming the reason, never the payload. The reply is encrypted whenever the request was. A reply that is
 * not ready within the passive-reply budget is answered `success` and pushed later (deferred-reply.ts).
 */

export type TCallbackResponse = { status: number; body: string; contentType: string };

/** WeChat's messages are a few hundred bytes; anything near this is not WeChat. */
export const WECHAT_BODY_LIMIT_BYTES = 64 * 1024;

const text = (body: string): TCallbackResponse => ({
  status: 200,
  body,
  contentType: "text/plain; charset=utf-8",
});
const xml = (body: string): TCallbackResponse => ({
  status: 200,
  body,
  contentType: "application/xml; charset=utf-8",
});

function requireParam(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (!value) throw new AppError("bad_request", `Missing query parameter ${name}.`);
  return value;
}

/** Tests and the benchmark shorten the passive-reply budget or catch the hand-off of a slow reply. */
export type TReplyOptions = { budgetMs?: number; defer?: TDeferReply };

export async function handleWechatCallback(
  request: Request,
  config: TWechatCallbackConfig,
  replyOptions: TReplyOptions = {},
): Promise<TCallbackResponse> {
  const params = new URL(request.url).searchParams;
  if (request.method === "GET") return verifyServer(params, config);
  if (request.method !== "POST") throw new AppError("bad_request", "Only GET and POST are supported.");

  const raw = new TextDecoder().decode(await readBodyBytes(request, WECHAT_BODY_LIMIT_BYTES));
  const timestamp = requireParam(params, "timestamp");
  const nonce = requireParam(params, "nonce");
  const encrypted = params.get("encrypt_type")?.toLowerCase() === "aes";

  if (!encrypted) {
    assertUrlSignature(params, config, timestamp, nonce);
    assertFreshTimestamp(timestamp);
    const message = parseOrRefuse(raw);
    const reply = await replyWithinBudget(message, replyOptions);
    return reply ? xml(reply) : text("success");
  }

  const outer = parseOrRefuse(raw);
  const message = openEncrypted(outer, params, config, timestamp, nonce);
  assertFreshTimestamp(timestamp);
  const reply = await replyWithinBudget(message, replyOptions);
  if (!reply) return text("success");
  const sealed = sealMessage(
    { token: config.token, appId: config.appId, encodingAesKey: config.encodingAesKey! },
    reply,
    String(Math.floor(Date.now() / 1000)),
    randomBytes(8).toString("hex"),
  );
  return xml(buildEncryptedReply(sealed));
}

function verifyServer(params: URLSearchParams, config: TWechatCallbackConfig): TCallbackResponse {
  const echostr = requireParam(params, "echostr");
  assertUrlSignature(params, config, requireParam(params, "timestamp"), requireParam(params, "nonce"));
  return text(echostr);
}

function assertUrlSignature(
  params: URLSearchParams,
  config: TWechatCallbackConfig,
  timestamp: string,
  nonce: string,
): void {
  const signature = requireParam(params, "signature");
  if (!verifyUrlSignature({ token: config.token, timestamp, nonce, signature })) {
    throw new AppError("unauthorized", "WeChat signature does not match.");
  }
}

/**
 * The signatures cover `timestamp`, so a delivery signed more than 5 minutes away from our clock (either
 * way) is a replay or a forgery with a skewed clock; WeChat's own retries come within seconds. Checked
 * after the signature, so a forged request learns nothing from which refusal it gets. Same window as
 * Stripe and HubSpot.
 */
export const WECHAT_TIMESTAMP_TOLERANCE_S = 300;

function assertFreshTimestamp(timestamp: string, nowMs = Date.now()): void {
  const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
  if (!(Math.abs(nowMs / 1000 - seconds) <= WECHAT_TIMESTAMP_TOLERANCE_S)) {
    throw new AppError(
      "bad_request",
      "WeChat callback refused: the timestamp is outside the 5-minute window (a replay or a skewed clock).",
    );
  }
}

function parseOrRefuse(raw: string): TWechatXml {
  const parsed = parseWechatXml(raw);
  if (!parsed) throw new AppError("bad_request", "The body is not well-formed WeChat XML.");
  return parsed;
}

function openEncrypted(
  outer: TWechatXml,
  params: URLSearchParams,
  config: TWechatCallbackConfig,
  timestamp: string,
  nonce: string,
): TWechatXml {
  if (!config.encodingAesKey) {
    throw new AppError("bad_request", "Encrypted callback, but WECHAT_ENCODING_AES_KEY is not configured.");
  }
  const encrypt = outer.Encrypt;
  if (!encrypt) throw new AppError("bad_request", "Encrypted callback without an <Encrypt> element.");
  let inner: string;
  try {
    inner = openSealedMessage(
      { token: config.token, appId: config.appId, encodingAesKey: config.encodingAesKey },
      { encrypt, msgSignature: requireParam(params, "msg_signature"), timestamp, nonce },
    );
  } catch (error) {
    if (!(error instanceof WechatCryptoError)) throw error;
    if (error.code === "signature_mismatch")
      throw new AppError("unauthorized", "WeChat msg_signature does not match.");
    if (error.code === "appid_mismatch") throw new AppError("forbidden", "The message is for another AppID.");
    throw new AppError("bad_request", `The message cannot be decrypted (${error.code}).`);
  }
  return parseOrRefuse(inner);
}

/** The route's Response for a callback result. */
export function callbackResponse(result: TCallbackResponse): Response {
  return new Response(result.body, {
    status: result.status,
    headers: { "content-type": result.contentType, "cache-control": "no-store" },
  });
}
