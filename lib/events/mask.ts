/**
 * Masks personal data in event payloads shown in the console: emails, phone numbers and names,
 * whether found by key (`email`, `firstName`, `phone`…) or by the look of the value. Enough stays
 * visible to recognise a record (`j***@e***.com`, `+44 *** *** 89`, `J***`). Pure; unit tested.
 */

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Seven or more digits, optionally with +, spaces, dots, dashes and brackets between them.
const PHONE = /\+?\(?\d[\d\s().-]{5,}\d/g;
// Dates (`2026-03-01`, the date part of an ISO timestamp) look like phone numbers to PHONE; they
// are not personal data and masking them made previews of `*_at` properties unreadable.
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NAME_KEY =
  /(^|_|\b)(first|last|full|given|family|middle|display|user)?_?name$|^(firstname|lastname|name)$/i;
const PHONE_KEY = /phone|mobile|tel(ephone)?$|whatsapp|wechat/i;
const EMAIL_KEY = /e-?mail/i;
const ADDRESS_KEY = /address|street|postcode|zip/i;

export function maskEmail(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  const dot = domain.lastIndexOf(".");
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : "";
  return `${local.slice(0, 1)}***@${host.slice(0, 1)}***${tld}`;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  const plus = phone.trim().startsWith("+") ? "+" : "";
  return `${plus}${digits.slice(0, plus ? 2 : 1)}*** *** ${digits.slice(-2)}`;
}

export function maskName(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => `${part.slice(0, 1)}***`)
    .join(" ");
}

/** Masks emails and phone numbers inside free text. */
export function maskText(text: string): string {
  return text
    .replace(EMAIL, maskEmail)
    .replace(PHONE, (m) => (m.replace(/\D/g, "").length >= 7 && !DATE.test(m) ? maskPhone(m) : m));
}

function maskByKey(key: string, value: string): string {
  if (EMAIL_KEY.test(key)) return maskText(value).includes("@") ? maskText(value) : maskEmail(value);
  if (PHONE_KEY.test(key)) return maskPhone(value);
  if (NAME_KEY.test(key)) return maskName(value);
  if (ADDRESS_KEY.test(key)) return "***";
  return maskText(value);
}

/** Deep copy of `value` with personal data masked; structure and non-personal values are kept. */
export function maskPersonalData(value: unknown, key = ""): unknown {
  if (typeof value === "string") return maskByKey(key, value);
  if (Array.isArray(value)) return value.map((v) => maskPersonalData(v, key));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskPersonalData(v, k)]));
  }
  return value;
}
