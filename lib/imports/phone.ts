/**
 * Phone numbers for validation: E.164 normalisation and the digit-count pre-check that lets most
 * cells and texts skip libphonenumber-js, the costliest part of validating a file (about 10 µs a
 * number, ~50 µs a ticket text, where everything else costs a few µs a row).
 *
 * The pre-check only ever skips input that cannot hold a valid number: a valid number has at least
 * `minPhoneDigits(country)` digits, all in one stretch of text without letters (libphonenumber-js
 * reads no letters as digits and never matches across them). Proven against the library itself in
 * phone.test.ts.
 */
import {
  Metadata,
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
  type CountryCode,
} from "libphonenumber-js";
import type { TNormalised } from "@/lib/imports/normalise";

/**
 * Fewest digits of any number read in a country whose national prefix rule can add digits (e.g.
 * VI turns a 7-digit local number into 340 + 7; NF, SM, JP, GG… likewise): their captures are 5+
 * digits, so 4 is safe (it was the floor before the per-country bound).
 */
const TRANSFORM_FLOOR = 4;

function nationalLengths(metadata: Metadata, country: CountryCode): number[] {
  metadata.selectNumberingPlan(country);
  return (metadata.numberingPlan as unknown as { possibleLengths(): number[] }).possibleLengths();
}

function hasTransform(metadata: Metadata, country: CountryCode): boolean {
  metadata.selectNumberingPlan(country);
  return !!(
    metadata.numberingPlan as unknown as { nationalPrefixTransformRule(): string | undefined }
  ).nationalPrefixTransformRule();
}

let computed: { international: number; byCountry: Map<string, number> } | undefined;

/** Per default country: the national bound (shared calling code: the shortest of its countries). */
function bounds() {
  if (computed) return computed;
  const metadata = new Metadata();
  const countries = getCountries();
  const shortestByCallingCode = new Map<string, number>();
  let international = Infinity;
  for (const c of countries) {
    const code = getCountryCallingCode(c);
    const min = Math.min(...nationalLengths(metadata, c));
    shortestByCallingCode.set(code, Math.min(shortestByCallingCode.get(code) ?? Infinity, min));
    // "+<calling code><national number>": a national prefix rule never shortens the input below
    // this (transformed captures are 5+ digits behind 1–3 digit codes, well above the minimum).
    international = Math.min(international, code.length + min);
  }
  const byCountry = new Map<string, number>();
  for (const c of countries) {
    const national = hasTransform(metadata, c)
      ? TRANSFORM_FLOOR
      : (shortestByCallingCode.get(getCountryCallingCode(c)) ?? TRANSFORM_FLOOR);
    byCountry.set(c, Math.min(international, national));
  }
  computed = { international, byCountry };
  return computed;
}

/** The fewest digits a valid phone number can have when read with `defaultCountry` (6 for US). */
export function minPhoneDigits(defaultCountry: CountryCode): number {
  const b = bounds();
  return b.byCountry.get(defaultCountry) ?? Math.min(b.international, TRANSFORM_FLOOR);
}

const LETTERS = /\p{L}+/u;
const DIGIT = /\p{Nd}/gu;

/** Digits of the stretch between letters that has the most (any script's decimal digits count). */
export function mostDigitsBetweenLetters(text: string): number {
  let most = 0;
  for (const part of text.split(LETTERS)) {
    const n = part.match(DIGIT)?.length ?? 0;
    if (n > most) most = n;
  }
  return most;
}

/**
 * Results by country and raw cell: a file often repeats a number (a company's switchboard on every
 * contact), and the answer for a given input never changes. Bounded; cleared when full.
 */
const MEMO_LIMIT = 50_000;
const memo = new Map<string, TNormalised>();

export function normalisePhone(raw: string, defaultCountry: CountryCode): TNormalised {
  const key = `${defaultCountry}\u0000${raw}`;
  const hit = memo.get(key);
  if (hit) return hit;
  let out: TNormalised;
  if (mostDigitsBetweenLetters(raw) < minPhoneDigits(defaultCountry)) {
    out = { ok: false, message: `"${raw}" is not a valid phone number` };
  } else {
    const parsed = parsePhoneNumberFromString(raw, defaultCountry);
    out =
      parsed && parsed.isValid()
        ? { ok: true, value: parsed.number }
        : { ok: false, message: `"${raw}" is not a valid phone number` };
  }
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, out);
  return out;
}
