/**
 * Value normalisers used by validation: each returns the value HubSpot accepts, or an error message
 * a person can act on. Phone numbers: lib/imports/phone.ts.
 */
import type { TPropertyDef } from "@/lib/imports/types";

export type TNormalised = { ok: true; value: string } | { ok: false; message: string };

/** `https://www.Example.com/about` → `example.com`. */
export function normaliseDomain(raw: string): string | null {
  const s = raw
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, "")
    .replace(/^www\./, "")
    .split(/[/?#:]/)[0];
  return s && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(s) ? s : null;
}

/** Company names compared without case, spacing, punctuation and legal suffixes. */
export function normaliseCompanyName(raw: string): string {
  return raw
    .toLowerCase()
    .normalize("NFKC")
    .replace(/\b(inc|ltd|llc|gmbh|co|corp|limited|company)\b\.?/g, "")
    .replace(/有限公司|有限责任公司|股份有限公司/g, "")
    .replace(/[\s.,'"()（）&-]+/g, "");
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Dates as HubSpot takes them: `YYYY-MM-DD` for date properties, ISO-8601 for datetime. */
export function normaliseDate(raw: string, withTime: boolean): TNormalised {
  const s = raw.trim();
  let y: number, mo: number, d: number;
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?/.exec(s);
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s)))
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s))) {
    // Slashes: month first (US/HubSpot export) unless the first number cannot be a month.
    const a = Number(m[1]);
    const b = Number(m[2]);
    [mo, d, y] = a > 12 ? [b, a, Number(m[3])] : [a, b, Number(m[3])];
  } else if (/^\d{12,13}$/.test(s)) {
    const date = new Date(Number(s));
    return withTime
      ? { ok: true, value: date.toISOString() }
      : { ok: true, value: date.toISOString().slice(0, 10) };
  } else return { ok: false, message: `"${raw}" is not a date (use YYYY-MM-DD)` };
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    return { ok: false, message: `"${raw}" is not a real date` };
  }
  const day = `${y}-${pad(mo)}-${pad(d)}`;
  if (!withTime) return { ok: true, value: day };
  const time =
    m[4] !== undefined && m.length > 4 ? `${pad(Number(m[4]))}:${m[5]}:${m[6] ?? "00"}` : "00:00:00";
  return { ok: true, value: `${day}T${time}.000Z` };
}

export function normaliseNumber(raw: string): TNormalised {
  const s = raw.replace(/[\s,，¥$€£]/g, "").replace(/^(CNY|USD|RMB)/i, "");
  return s !== "" && Number.isFinite(Number(s))
    ? { ok: true, value: String(Number(s)) }
    : { ok: false, message: `"${raw}" is not a number` };
}

const TRUE = new Set(["true", "yes", "y", "1", "是", "对"]);
const FALSE = new Set(["false", "no", "n", "0", "否", "不"]);

export function normaliseBool(raw: string): TNormalised {
  const s = raw.trim().toLowerCase();
  if (TRUE.has(s)) return { ok: true, value: "true" };
  if (FALSE.has(s)) return { ok: true, value: "false" };
  return { ok: false, message: `"${raw}" is not yes/no` };
}

/** Matches option values or labels without case; checkboxes take several values separated by `;`. */
export function normaliseOption(raw: string, prop: TPropertyDef): TNormalised {
  const parts = prop.fieldType === "checkbox" ? raw.split(/[;；]/) : [raw];
  const out: string[] = [];
  for (const part of parts.map((p) => p.trim()).filter(Boolean)) {
    const lower = part.toLowerCase();
    const hit = prop.options.find((o) => o.value.toLowerCase() === lower || o.label.toLowerCase() === lower);
    if (!hit) {
      const allowed = prop.options.slice(0, 8).map((o) => o.label || o.value);
      return { ok: false, message: `"${part}" is not an option of ${prop.label} (${allowed.join(", ")})` };
    }
    out.push(hit.value);
  }
  return { ok: true, value: out.join(";") };
}
