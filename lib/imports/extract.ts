/**
 * Pulls e-mail addresses and phone numbers out of free text (ticket descriptions, notes), so a
 * ticket can be associated with the contact who wrote it even when the file has no email column.
 */
import { findPhoneNumbersInText, type CountryCode } from "libphonenumber-js";
import { minPhoneDigits, mostDigitsBetweenLetters } from "@/lib/imports/phone";

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** Lower-cased, de-duplicated, in order of appearance. */
export function extractEmails(text: string): string[] {
  const found = text.match(EMAIL_IN_TEXT) ?? [];
  return [...new Set(found.map((e) => e.toLowerCase().replace(/\.$/, "")))].filter((e) => isValidEmail(e));
}

/**
 * E.164 numbers found in the text; national numbers are read in `defaultCountry`.
 * The phone matcher is the costliest step of validating a ticket file (it tries every digit run),
 * so e-mail addresses are taken out first — their digits are not phone numbers, except a local
 * part that is all digits (`13800138000@qq.com`), which stays — and text where no stretch between
 * letters has the digits of a valid number in `defaultCountry` is not scanned at all (most ticket
 * texts: "problem 1234" cannot be a number; lib/imports/phone.ts).
 */
export function extractPhones(text: string, defaultCountry: CountryCode): string[] {
  const rest = text.replace(EMAIL_IN_TEXT, (email) => {
    const local = email.slice(0, email.indexOf("@"));
    return /^\d+$/.test(local) ? ` ${local} ` : " ";
  });
  if (mostDigitsBetweenLetters(rest) < minPhoneDigits(defaultCountry)) return [];
  const found = findPhoneNumbersInText(rest, { defaultCountry });
  return [...new Set(found.filter((f) => f.number.isValid()).map((f) => f.number.number))];
}

/**
 * Practical e-mail syntax: one @, a local part without spaces or consecutive dots, a domain with a
 * dot and a 2+ letter top-level label. (RFC 5322 allows more; HubSpot refuses most of that anyway.)
 */
export function isValidEmail(value: string): boolean {
  if (value.length > 254) return false;
  const m = /^([A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$/.exec(value);
  if (!m) return false;
  const [, local, domain] = m;
  if (!local || !domain || local.startsWith(".") || local.endsWith(".") || local.includes("..")) return false;
  const tld = domain.split(".").pop() ?? "";
  return /^[A-Za-z]{2,}$/.test(tld) && !domain.split(".").some((l) => l.startsWith("-") || l.endsWith("-"));
}
