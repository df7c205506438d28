/**
 * WeChat Official Account request signatures (消息加解密说明 / 接入指南).
 *
 * Both signatures are the hex SHA-1 of the parameters sorted lexicographically and concatenated with no
 * separator: `signature` over [token, timestamp, nonce] (URL verification and every plain-mode callback),
 * `msg_signature` over [token, timestamp, nonce, encrypt] (safe and compatible mode).
 *
 * Pure and environment-free: shared by the app's callback route and the sandbox's "phone".
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** Lexicographic sort then SHA-1, the construction WeChat uses for every callback signature. */
export function computeSortedSha1(parts: readonly string[]): string {
  // Default sort compares UTF-16 code units, which matches WeChat's byte order for the ASCII inputs it signs.
  const joined = [...parts].sort().join("");
  return createHash("sha1").update(joined, "utf8").digest("hex");
}

export function computeUrlSignature(token: string, timestamp: string, nonce: string): string {
  return computeSortedSha1([token, timestamp, nonce]);
}

export function computeMsgSignature(
  token: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
): string {
  return computeSortedSha1([token, timestamp, nonce, encrypt]);
}

/**
 * Compares two strings without leaking where they differ. Different lengths return false at once: the
 * length of a SHA-1 hex digest is public, so that early exit reveals nothing an attacker lacks.
 */
export function equalsConstantTime(actual: string, expected: string): boolean {
  const a = Buffer.from(actual, "utf8");
  const b = Buffer.from(expected, "utf8");
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

export type TUrlSignatureInput = { token: string; timestamp: string; nonce: string; signature: string };

/** True when `signature` (query parameter) matches; used for the GET echo and plain-mode POSTs. */
export function verifyUrlSignature(input: TUrlSignatureInput): boolean {
  const expected = computeUrlSignature(input.token, input.timestamp, input.nonce);
  return equalsConstantTime(input.signature.toLowerCase(), expected);
}

export type TMsgSignatureInput = {
  token: string;
  timestamp: string;
  nonce: string;
  encrypt: string;
  msgSignature: string;
};

/** True when `msg_signature` matches the `<Encrypt>` payload; check before decrypting anything. */
export function verifyMsgSignature(input: TMsgSignatureInput): boolean {
  const expected = computeMsgSignature(input.token, input.timestamp, input.nonce, input.encrypt);
  return equalsConstantTime(input.msgSignature.toLowerCase(), expected);
}
