import fc from "fast-check";
import {
  findPhoneNumbersInText,
  getCountries,
  getExampleNumber,
  parsePhoneNumberFromString,
  type CountryCode,
} from "libphonenumber-js";
import examples from "libphonenumber-js/examples.mobile.json";
import { describe, expect, it } from "vitest";
import { extractPhones } from "@/lib/imports/extract";
import { minPhoneDigits, mostDigitsBetweenLetters, normalisePhone } from "@/lib/imports/phone";

/**
 * The digit pre-check must never change an answer, only skip work: every case here is compared with
 * what libphonenumber-js itself says for the same input without the pre-check.
 */

// Shortest numbering plans (AT, DE, NU: 4 digits), plans whose national prefix rule adds digits
// (VI, SM, NF, JP, GG), shared calling codes (US, CA), and the usual ones.
const COUNTRIES: CountryCode[] = [
  "US",
  "CA",
  "CN",
  "GB",
  "DE",
  "AT",
  "NU",
  "VI",
  "SM",
  "NF",
  "JP",
  "GG",
  "AR",
  "BR",
  "FR",
  "IN",
  "HK",
];

function referencePhones(text: string, country: CountryCode): string[] {
  const found = findPhoneNumbersInText(text, { defaultCountry: country });
  return [...new Set(found.filter((f) => f.number.isValid()).map((f) => f.number.number))];
}

function referenceNormalise(raw: string, country: CountryCode) {
  const parsed = parsePhoneNumberFromString(raw, country);
  return parsed && parsed.isValid()
    ? { ok: true, value: parsed.number }
    : { ok: false, message: `"${raw}" is not a valid phone number` };
}

/** Valid numbers of every plan written as people write them, whole and with digits cut off the end. */
const examplesByCountry = getCountries().flatMap((c) => {
  const n = getExampleNumber(c, examples);
  if (!n) return [];
  const forms = [n.formatNational(), n.formatInternational(), n.number, String(n.nationalNumber)];
  return [{ country: c, texts: forms.flatMap((f) => [f, f.slice(0, -1), f.slice(0, -2), f.slice(0, -3)]) }];
});
const numberTexts = examplesByCountry.flatMap((e) => e.texts);

const filler = fc.constantFrom(
  " ",
  "-",
  ".",
  "(",
  ")",
  "/",
  "\n",
  "x",
  "ext",
  "tel:",
  "problem ",
  "号码",
  "，",
  "#",
  "+",
);
const digits = fc.stringMatching(/^[0-9]{1,5}$/);
const text = fc
  .array(fc.oneof(filler, digits, fc.constantFrom(...numberTexts)), { maxLength: 8 })
  .map((parts) => parts.join(""));

describe("minPhoneDigits", () => {
  it("is 6 with US or CN as the default country and never above any valid example number's digits", () => {
    expect(minPhoneDigits("US")).toBe(6);
    expect(minPhoneDigits("CN")).toBe(6);
    for (const c of getCountries()) {
      const n = getExampleNumber(c, examples);
      if (!n) continue;
      const national = n.formatNational().replace(/\D/g, "").length;
      const international = n.number.replace(/\D/g, "").length;
      expect(national, c).toBeGreaterThanOrEqual(minPhoneDigits(c));
      for (const d of COUNTRIES)
        expect(international, `${c} read in ${d}`).toBeGreaterThanOrEqual(minPhoneDigits(d));
    }
  });

  it("counts the digits of the longest stretch between letters, in any script", () => {
    expect(mostDigitsBetweenLetters("problem 1234. Please call 202-555-0143")).toBe(10);
    expect(mostDigitsBetweenLetters("a1b2c3")).toBe(1);
    expect(mostDigitsBetweenLetters("电话１３８００１３８０００")).toBe(11);
  });
});

describe("extractPhones and normalisePhone agree with libphonenumber-js", () => {
  it("on texts near the shortest valid numbers, in every kind of numbering plan", () => {
    fc.assert(
      fc.property(text, fc.constantFrom(...COUNTRIES), (t, c) => {
        expect(extractPhones(t, c)).toEqual(referencePhones(t, c));
      }),
      { numRuns: 1500 },
    );
  });

  it("on cells near the shortest valid numbers, asked twice (the memo answers the second time)", () => {
    fc.assert(
      fc.property(text, fc.constantFrom(...COUNTRIES), (t, c) => {
        const want = referenceNormalise(t, c);
        expect(normalisePhone(t, c)).toEqual(want);
        expect(normalisePhone(t, c)).toEqual(want);
      }),
      { numRuns: 1500 },
    );
  });

  it("on every example number whole and cut short, read in its own country, US and DE", () => {
    for (const { country, texts } of examplesByCountry) {
      for (const [t, c] of texts.flatMap((t) =>
        [country, "US", "DE"].map((c) => [t, c as CountryCode] as const),
      )) {
        expect(extractPhones(`call ${t} today`, c), `${t} in ${c}`).toEqual(
          referencePhones(`call ${t} today`, c),
        );
        expect(normalisePhone(t, c), `${t} in ${c}`).toEqual(referenceNormalise(t, c));
      }
    }
  });
});
