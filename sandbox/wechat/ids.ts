import { randomBytes, randomInt } from "node:crypto";

const TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Opaque strings shaped like WeChat's tokens, tickets and codes. */
export function randomWechatString(length: number, alphabet = TOKEN_ALPHABET): string {
  let out = "";
  for (const b of randomBytes(length)) out += alphabet[b % alphabet.length];
  return out;
}

/** WeChat MsgIds are 64-bit decimal numbers; 19 digits starting non-zero. */
export function generateMsgId(): string {
  return `${randomInt(1, 10)}${Array.from({ length: 18 }, () => randomInt(0, 10)).join("")}`;
}

/** Callback nonces are decimal strings in WeChat's requests. */
export function generateNonce(): string {
  return String(randomInt(100_000_000, 2_000_000_000));
}
