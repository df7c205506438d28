/**
 * Validation of one mapped row before anything is written: every mapped cell is normalised to what
 * HubSpot accepts (e-mail syntax, E.164 phones, enumeration options, dates, numbers, booleans);
 * required fields and the row's identity key are checked; ticket text is searched for an e-mail
 * to associate with. Errors skip the row; warnings drop only the bad cell. Pure: no I/O.
 */
import { createHash } from "node:crypto";
import type { CountryCode } from "libphonenumber-js";
import { extractEmails, extractPhones, isValidEmail } from "@/lib/imports/extract";
import {
  normaliseBool,
  normaliseCompanyName,
  normaliseDate,
  normaliseDomain,
  normaliseNumber,
  normaliseOption,
  type TNormalised,
} from "@/lib/imports/normalise";
import { normalisePhone } from "@/lib/imports/phone";
import type {
  TColumnMapping,
  TImportObject,
  TPropertyDef,
  TRowProblem,
  TRowValues,
} from "@/lib/imports/types";

export interface TValidateOptions {
  object: TImportObject;
  mapping: TColumnMapping[];
  properties: Map<string, TPropertyDef>;
  defaultCountry: CountryCode;
}

const PHONE_PROPS = new Set(["phone", "mobilephone", "fax", "hs_whatsapp_phone_number"]);
/** Ticket fields every HubSpot ticket needs; RevBridge fills the default pipeline when unmapped. */
const TICKET_DEFAULTS = { hs_pipeline: "0", hs_pipeline_stage: "1" };

function normaliseCell(raw: string, prop: TPropertyDef, country: CountryCode): TNormalised {
  if (prop.name === "email" || prop.fieldType === "email") {
    const v = raw.toLowerCase();
    return isValidEmail(v)
      ? { ok: true, value: v }
      : { ok: false, message: `"${raw}" is not a valid e-mail address` };
  }
  if (PHONE_PROPS.has(prop.name) || prop.type === "phone_number" || prop.fieldType === "phonenumber") {
    return normalisePhone(raw, country);
  }
  if (prop.name === "domain") {
    const d = normaliseDomain(raw);
    return d ? { ok: true, value: d } : { ok: false, message: `"${raw}" is not a web domain` };
  }
  switch (prop.type) {
    case "enumeration":
      return prop.options.length > 0 ? normaliseOption(raw, prop) : { ok: true, value: raw };
    case "number":
      return normaliseNumber(raw);
    case "date":
      return normaliseDate(raw, false);
    case "datetime":
      return normaliseDate(raw, true);
    case "bool":
      return normaliseBool(raw);
    default:
      return { ok: true, value: raw.slice(0, 65_536) };
  }
}

/** The row's identity: how it is found again in this file and in HubSpot. */
export function rowKey(object: TImportObject, v: Omit<TRowValues, "key" | "problems">): string | null {
  const p = v.properties;
  if (object === "contacts") return p.email ?? null;
  if (object === "companies") {
    if (p.domain) return `domain:${p.domain}`;
    return p.name ? `name:${normaliseCompanyName(p.name)}` : null;
  }
  // Tickets have no natural key: a hash of what the ticket says, so the same file imports once.
  const basis = JSON.stringify([
    p.subject ?? "",
    p.content ?? "",
    p.createdate ?? "",
    v.refs.contactEmail ?? "",
  ]);
  return `ticket:${createHash("sha256").update(basis).digest("hex").slice(0, 32)}`;
}

export function validateRow(
  cells: string[],
  headers: string[],
  o: TValidateOptions,
): TRowValues & { quality: number } {
  const properties: Record<string, string> = {};
  const refs: TRowValues["refs"] = {};
  const problems: TRowProblem[] = [];
  let filled = 0;
  for (const m of o.mapping) {
    if (!m.target) continue;
    const raw = (cells[headers.indexOf(m.header)] ?? "").trim();
    if (raw === "") continue;
    filled++;
    if (m.target === "@company_name") refs.companyName = raw;
    else if (m.target === "@company_domain") {
      const d = normaliseDomain(raw);
      if (d) refs.companyDomain = d;
      else problems.push({ column: m.header, severity: "warning", message: `"${raw}" is not a web domain` });
    } else if (m.target === "@contact_email") {
      const email = extractEmails(raw)[0];
      if (email) refs.contactEmail = email;
      else
        problems.push({
          column: m.header,
          severity: "warning",
          message: `"${raw}" is not a valid e-mail address`,
        });
    } else {
      const prop = o.properties.get(m.target);
      if (!prop) {
        problems.push({
          column: m.header,
          severity: "warning",
          message: `HubSpot has no property ${m.target}`,
        });
        continue;
      }
      const res = normaliseCell(raw, prop, o.defaultCountry);
      if (res.ok) properties[m.target] = res.value;
      else
        problems.push({
          column: m.header,
          severity: prop.name === "email" ? "error" : "warning",
          message: res.message,
        });
    }
  }

  let extracted: TRowValues["extracted"];
  if (o.object === "tickets") {
    const text = [properties.subject, properties.content].filter(Boolean).join("\n");
    extracted = { emails: extractEmails(text), phones: extractPhones(text, o.defaultCountry) };
    refs.contactEmail ??= extracted.emails[0];
    for (const [k, v] of Object.entries(TICKET_DEFAULTS)) properties[k] ??= v;
    if (!properties.subject)
      problems.push({ column: "subject", severity: "error", message: "Subject is required for tickets" });
  }
  if (o.object === "contacts") {
    if (properties.company) refs.companyName ??= properties.company;
    if (!properties.email && !problems.some((p) => p.severity === "error")) {
      problems.push({
        column: "email",
        severity: "error",
        message: "E-mail is required for contacts (HubSpot identifies contacts by e-mail)",
      });
    }
  }
  if (o.object === "companies" && !properties.domain && properties.website) {
    // HubSpot identifies companies by domain; a website column is where files usually carry it.
    const d = normaliseDomain(properties.website);
    if (d && o.properties.has("domain")) properties.domain = d;
  }
  if (o.object === "companies" && !properties.domain && !properties.name) {
    problems.push({ column: "name", severity: "error", message: "A company needs a name or a domain" });
  }

  const key = rowKey(o.object, { properties, refs, extracted });
  const errors = problems.filter((p) => p.severity === "error").length;
  const warnings = problems.length - errors;
  const quality = errors > 0 ? 0 : Math.max(0, 1 - warnings / Math.max(1, filled));
  return { properties, refs, extracted, key, problems, quality: Math.round(quality * 100) / 100 };
}
