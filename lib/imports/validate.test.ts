import { describe, expect, it } from "vitest";
import { extractEmails, extractPhones, isValidEmail } from "@/lib/imports/extract";
import { autoMap } from "@/lib/imports/mapping";
import { normaliseDate, normaliseDomain } from "@/lib/imports/normalise";
import { normalisePhone } from "@/lib/imports/phone";
import { COMPANY_PROPS, CONTACT_PROPS, TICKET_PROPS } from "@/lib/imports/test-properties";
import type { TImportObject, TPropertyDef } from "@/lib/imports/types";
import { validateRow } from "@/lib/imports/validate";

function validator(object: TImportObject, headers: string[], props: TPropertyDef[]) {
  const opts = {
    object,
    mapping: autoMap(headers, object, props),
    properties: new Map(props.map((p) => [p.name, p])),
    defaultCountry: "CN" as const,
  };
  return (cells: string[]) => validateRow(cells, headers, opts);
}

describe("validateRow", () => {
  const contact = validator(
    "contacts",
    ["Email", "First name", "Phone", "Lifecycle stage", "Date of birth", "Company"],
    CONTACT_PROPS,
  );

  it("normalises e-mail case, phones to E.164, options by label and dates", () => {
    const v = contact(["Ada@Example.COM", "Ada", "138 0013 8000", "customer", "1815/12/10", "Example Ltd"]);
    expect(v.properties).toEqual({
      email: "ada@example.com",
      firstname: "Ada",
      phone: "+8613800138000",
      lifecyclestage: "CUSTOMER",
      date_of_birth: "1815-12-10",
      company: "Example Ltd",
    });
    expect(v.key).toBe("ada@example.com");
    expect(v.refs.companyName).toBe("Example Ltd");
    expect(v.problems).toEqual([]);
    expect(v.quality).toBe(1);
  });

  it("skips a row with an invalid e-mail (error) but only drops a bad phone, option or date (warnings)", () => {
    expect(contact(["not-an-email", "x", "", "", "", ""]).problems[0]).toMatchObject({
      severity: "error",
      column: "Email",
    });
    expect(contact(["", "x", "", "", "", ""]).problems[0]).toMatchObject({
      severity: "error",
      column: "email",
    });
    const v = contact(["ok@example.com", "x", "12345", "VIP", "31/02/2020", ""]);
    expect(v.properties).toEqual({ email: "ok@example.com", firstname: "x" });
    expect(v.problems.map((p) => p.severity)).toEqual(["warning", "warning", "warning"]);
    expect(v.problems[1]!.message).toMatch(/not an option of lifecyclestage/);
    expect(v.quality).toBeCloseTo(0.4);
  });

  it("keys companies by domain, else by normalised name, and requires one of them", () => {
    const company = validator("companies", ["Company name", "Website", "Employees"], COMPANY_PROPS);
    expect(company(["Example Ltd", "https://www.Example.com/about", "1,200"]).key).toBe("domain:example.com");
    expect(
      company(["Example Ltd", "https://www.Example.com/about", "1,200"]).properties.numberofemployees,
    ).toBe("1200");
    expect(company(["北京示例有限公司", "", ""]).key).toBe("name:北京示例");
    expect(company(["", "", "5"]).problems[0]!.severity).toBe("error");
  });

  it("extracts e-mails and phones from ticket text and fills the default pipeline", () => {
    const ticket = validator("tickets", ["Subject", "Description", "Priority"], TICKET_PROPS);
    const v = ticket([
      "Cannot log in",
      "Customer ADA@example.com called from +44 20 7946 0958.\nLoop.",
      "high",
    ]);
    expect(v.refs.contactEmail).toBe("ada@example.com");
    expect(v.extracted).toEqual({ emails: ["ada@example.com"], phones: ["+442079460958"] });
    expect(v.properties).toMatchObject({
      hs_pipeline: "0",
      hs_pipeline_stage: "1",
      hs_ticket_priority: "HIGH",
    });
    expect(v.key).toMatch(/^ticket:[0-9a-f]{32}$/);
    expect(
      ticket(["Cannot log in", "Customer ADA@example.com called from +44 20 7946 0958.\nLoop.", "high"]).key,
    ).toBe(v.key);
    expect(ticket(["", "no subject", ""]).problems[0]!.message).toMatch(/Subject is required/);
  });
});

describe("normalisers and extraction", () => {
  it("checks e-mail syntax", () => {
    for (const ok of ["a@b.co", "first.last+tag@sub.example.cn"]) expect(isValidEmail(ok)).toBe(true);
    for (const bad of ["a@b", "a@@b.com", "a..b@c.com", ".a@b.com", "a b@c.com", "a@b.c1"])
      expect(isValidEmail(bad)).toBe(false);
  });
  it("finds e-mails and phones in free text", () => {
    expect(extractEmails("write to Grace@Navy.mil. or x@y")).toEqual(["grace@navy.mil"]);
    expect(extractPhones("call (202) 555-0143 or 138-0013-8000", "US")).toEqual(["+12025550143"]);
    expect(extractPhones("手机 138-0013-8000", "CN")).toEqual(["+8613800138000"]);
    expect(extractPhones("call +1 202 555 0143", "CN")).toEqual(["+12025550143"]);
    // Digits inside e-mail addresses are not phone numbers, unless the whole local part is one.
    expect(extractPhones("from person.2025550143@example.com", "US")).toEqual([]);
    expect(extractPhones("from 13800138000@qq.com", "CN")).toEqual(["+8613800138000"]);
    expect(extractPhones("problem 123", "US")).toEqual([]);
  });
  it("reads phones in the default country", () => {
    expect(normalisePhone("010-12345678", "CN")).toEqual({ ok: true, value: "+861012345678" });
    expect(normalisePhone("(202) 555-0143", "US")).toEqual({ ok: true, value: "+12025550143" });
    expect(normalisePhone("12345", "CN").ok).toBe(false);
  });
  it("reads common date formats and refuses impossible dates", () => {
    expect(normaliseDate("2024年3月5日", false)).toEqual({ ok: true, value: "2024-03-05" });
    expect(normaliseDate("05.03.2024", false)).toEqual({ ok: true, value: "2024-03-05" });
    expect(normaliseDate("3/5/2024", false)).toEqual({ ok: true, value: "2024-03-05" });
    expect(normaliseDate("2024-03-05 14:30", true)).toEqual({ ok: true, value: "2024-03-05T14:30:00.000Z" });
    expect(normaliseDate("2023-02-29", false).ok).toBe(false);
  });
  it("normalises domains", () => {
    expect(normaliseDomain("HTTPS://www.Example.com:8080/x?y")).toBe("example.com");
    expect(normaliseDomain("not a domain")).toBeNull();
  });
});
