import { randomBytes } from "node:crypto";

/** Crockford base32, as ULIDs use: time-sortable ids like Inngest's run and event ids. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function encodeTime(ms: number): string {
  let out = "";
  let value = Math.max(0, Math.floor(ms));
  for (let i = 0; i < 10; i++) {
    out = (ALPHABET[value % 32] ?? "0") + out;
    value = Math.floor(value / 32);
  }
  return out;
}

/** 80 bits of randomness as 16 base32 characters (5 bits each). */
function encodeRandom(bytes: Uint8Array): string {
  let bits = 0n;
  for (let i = 0; i < 10; i++) bits = (bits << 8n) | BigInt(bytes[i] ?? 0);
  let out = "";
  for (let i = 0; i < 16; i++) {
    out = (ALPHABET[Number(bits & 31n)] ?? "0") + out;
    bits >>= 5n;
  }
  return out;
}

export function newUlid(timeMs: number = Date.now()): string {
  return encodeTime(timeMs) + encodeRandom(randomBytes(10));
}

/**
 * Event ids derived from the SDK's `x-inngest-event-id-seed` header (`<millis>,<base64 10 bytes>`), so a
 * `send()` the SDK retries after a lost response yields the same ids and is deduplicated, as Inngest does.
 * Returns `undefined` when the seed is malformed.
 */
export function seededEventId(seed: string | undefined, index: number): string | undefined {
  if (!seed) return undefined;
  const [millisText, entropyText] = seed.split(",");
  const millis = Number(millisText);
  if (!Number.isFinite(millis) || !entropyText) return undefined;
  const entropy = Buffer.from(entropyText, "base64");
  if (entropy.length !== 10) return undefined;
  let value = 0n;
  for (const byte of entropy) value = (value << 8n) | BigInt(byte);
  value = (value + BigInt(index)) & ((1n << 80n) - 1n);
  const bytes = new Uint8Array(10);
  for (let i = 9; i >= 0; i--) {
    bytes[i] = Number(value & 255n);
    value >>= 8n;
  }
  return encodeTime(millis) + encodeRandom(bytes);
}
