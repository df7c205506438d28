/**
 * Signing generated bodies the way each provider does, so the fuzz can reach past the signature checks
 * (signed junk) and the chaos tests can sign with skewed clocks. Byte-exact: Stripe and WeChat sign the
 * raw body; HubSpot signs the decoded text, which is what the app verifies.
 */
import { createHmac } from "node:crypto";
import { Signature } from "@hubspot/api-client";
import { computeUrlSignature } from "@/lib/connectors/wechat/signature";
import type { TBody } from "./http";

const bytesOf = (body: TBody): Buffer =>
  body === undefined
    ? Buffer.alloc(0)
    : typeof body === "string"
      ? Buffer.from(body, "utf8")
      : Buffer.from(body);

/** `Stripe-Signature: t=…,v1=…` over `${t}.${raw body}` (timestamp in seconds). */
export function stripeSignature(body: TBody, secret: string, timestampS: number): string {
  const mac = createHmac("sha256", secret)
    .update(Buffer.concat([Buffer.from(`${timestampS}.`), bytesOf(body)]))
    .digest("hex");
  return `t=${timestampS},v1=${mac}`;
}

/** `X-HubSpot-Signature-v3` (base64 HMAC of method + URI + body + timestamp in ms), via the official SDK. */
export function hubspotSignature(url: string, body: TBody, secret: string, timestampMs: number): string {
  return Signature.getSignature("POST", "v3", {
    clientSecret: secret,
    requestBody: new TextDecoder().decode(bytesOf(body)),
    url,
    timestamp: timestampMs,
    signature: "",
  });
}

/** The query string of a plain-mode WeChat callback signed with `token`. */
export function wechatQuery(token: string, timestampS: number | string, nonce: string): URLSearchParams {
  const timestamp = String(timestampS);
  return new URLSearchParams({ signature: computeUrlSignature(token, timestamp, nonce), timestamp, nonce });
}

export const nowS = (): number => Math.floor(Date.now() / 1000);
