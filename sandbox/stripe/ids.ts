import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Base62 body like Stripe's ids (`cus_NffrFeUfNV2Hib`); the tiny modulo bias is irrelevant here. */
export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/** Object ids: `cus_` + 14 chars; events and intents use Stripe's longer 24-character bodies. */
export function generateId(prefix: string): string {
  const long = ["evt", "pi", "ch", "req", "cs_test", "in", "il", "ii", "we", "whsec", "pm", "py", "inpay"];
  const length = prefix === "cs_test" ? 58 : long.includes(prefix) ? 24 : 14;
  return `${prefix}_${randomToken(length)}`;
}
