/**
 * WeChat "Get My Code" codes: 8 symbols of Crockford base32, the last a check character.
 *
 * Why GF(32) and not "sum mod 32": a weighted sum mod 32 detects a substitution at position i only when the weight
 * is a unit mod 32 (odd), and detects a swap of neighbours only when the *difference* of their weights is a unit —
 * but the difference of two odd numbers is even, so no choice of weights mod 32 catches both error classes.
 * In the field GF(32) = GF(2)[x]/(x^5 + x^2 + 1) every non-zero element is invertible, so with weights that are
 * non-zero and pairwise distinct:
 *   - substitution x_i → x_i + d (d ≠ 0) moves the sum by w_i·d ≠ 0 (product of non-zero field elements);
 *   - swapping neighbours a ≠ b moves it by (w_i − w_{i+1})·(a − b) ≠ 0 (both factors non-zero).
 * So every single substitution and every adjacent transposition changes Σ w_i·x_i away from 0 and is detected.
 * The weights are powers of the primitive element α = x: w_i = α^(7−i), so the check position (i = 7) has weight 1
 * and the check symbol is simply Σ_{i<7} w_i·x_i (in characteristic 2, −a = a). code.test.ts checks this
 * exhaustively (by linearity, every position × every pair of symbols covers every body).
 *
 * Pure and dependency-free (Web Crypto randomness) so the server, the console and the sandbox can share it.
 */

/** Crockford's base32: digits then A–Z without I, L, O, U. Index = field element. */
export const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const CODE_LENGTH = 8;
const BODY_LENGTH = CODE_LENGTH - 1;

/** x^5 + x^2 + 1 — primitive, so α = x has order 31 and its powers are distinct non-zero elements. */
const FIELD_POLY = 0b100101;

/** Carry-less multiplication reduced modulo FIELD_POLY (elements are 5-bit integers 0..31). */
export function gfMul(a: number, b: number): number {
  let result = 0;
  let x = a;
  let y = b;
  while (y > 0) {
    if (y & 1) result ^= x;
    y >>= 1;
    x <<= 1;
    if (x & 0b100000) x ^= FIELD_POLY;
  }
  return result;
}

function alphaPower(n: number): number {
  let value = 1;
  for (let k = 0; k < n; k++) value = gfMul(value, 0b10);
  return value;
}

/** Position weights α^7 … α^1, α^0 = 1 (the check position). */
export const POSITION_WEIGHTS: readonly number[] = Array.from({ length: CODE_LENGTH }, (_, i) =>
  alphaPower(CODE_LENGTH - 1 - i),
);

const SYMBOL_VALUE = new Map<string, number>([...CODE_ALPHABET].map((ch, i) => [ch, i]));

function weightedSum(symbols: string): number {
  let sum = 0;
  for (let i = 0; i < symbols.length; i++) {
    const value = SYMBOL_VALUE.get(symbols[i]!);
    if (value === undefined) return -1;
    sum ^= gfMul(POSITION_WEIGHTS[i]!, value);
  }
  return sum;
}

/** The check symbol for a 7-symbol body (canonical alphabet characters). */
export function checkCharacter(body7: string): string {
  if (body7.length !== BODY_LENGTH) throw new Error(`checkCharacter needs ${BODY_LENGTH} symbols`);
  const sum = weightedSum(body7);
  if (sum < 0) throw new Error("checkCharacter: body contains a symbol outside the code alphabet");
  // Σ_{i<7} w_i·x_i + 1·x_7 = 0  ⇒  x_7 = Σ_{i<7} w_i·x_i.
  return CODE_ALPHABET[sum]!;
}

/** True when `code8` is 8 canonical alphabet symbols whose weighted sum is 0. */
export function isValidCode(code8: string): boolean {
  return code8.length === CODE_LENGTH && weightedSum(code8) === 0;
}

/** A fresh random code: 7 symbols from the CSPRNG (32 divides 256, so `byte & 31` is unbiased) + check. */
export function generateCode(): string {
  const bytes = new Uint8Array(BODY_LENGTH);
  globalThis.crypto.getRandomValues(bytes);
  let body = "";
  for (const byte of bytes) body += CODE_ALPHABET[byte & 31];
  return body + checkCharacter(body);
}

/**
 * Forgiving reader for what a person typed: case, spaces, dashes (and other separators) are ignored, O→0, I/L→1.
 * Returns the 8 canonical symbols, or null when that is not possible. It does NOT verify the check character
 * (callers decide between "invalid" and "unknown"; use isValidCode).
 */
export function normalizeCode(input: string): string | null {
  const cleaned = input
    .toUpperCase()
    .replace(/[\s\-_–—.·]/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  if (cleaned.length !== CODE_LENGTH) return null;
  for (const ch of cleaned) if (!SYMBOL_VALUE.has(ch)) return null;
  return cleaned;
}

/** Display form `XXXX-XXXX`. */
export function formatCode(code8: string): string {
  return `${code8.slice(0, 4)}-${code8.slice(4)}`;
}

/**
 * Every valid code one substitution or one adjacent transposition away from `code8` (canonical symbols, valid or
 * not), sorted and without duplicates. For a valid input this is empty (that is what the check character
 * guarantees); for a mistyped code it is the list of candidates a reviewer may pick from — never an automatic match.
 */
export function oneEditNeighbours(code8: string): string[] {
  if (code8.length !== CODE_LENGTH || weightedSum(code8) < 0) return [];
  const found = new Set<string>();
  for (let i = 0; i < CODE_LENGTH; i++) {
    for (const symbol of CODE_ALPHABET) {
      if (symbol === code8[i]) continue;
      const candidate = code8.slice(0, i) + symbol + code8.slice(i + 1);
      if (isValidCode(candidate)) found.add(candidate);
    }
  }
  for (let i = 0; i < CODE_LENGTH - 1; i++) {
    if (code8[i] === code8[i + 1]) continue;
    const candidate = code8.slice(0, i) + code8[i + 1] + code8[i] + code8.slice(i + 2);
    if (isValidCode(candidate)) found.add(candidate);
  }
  return [...found].sort();
}
