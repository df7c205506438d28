import { describe, expect, it } from "vitest";
import { applyTemplate, autoMap, similarity } from "@/lib/imports/mapping";
import { COMPANY_PROPS, CONTACT_PROPS, TICKET_PROPS } from "@/lib/imports/test-properties";

const targets = (m: ReturnType<typeof autoMap>) => Object.fromEntries(m.map((x) => [x.header, x.target]));

describe("autoMap", () => {
  it("maps exact names, normalised labels, English and Chinese synonyms, with falling confidence", () => {
    const m = autoMap(
      ["email", "First Name", "Surname", "手机", "公司", "Jbo Title", "Shoe size"],
      "contacts",
      CONTACT_PROPS,
    );
    expect(targets(m)).toEqual({
      email: "email",
      "First Name": "firstname",
      Surname: "lastname",
      手机: "mobilephone",
      公司: "company",
      "Jbo Title": "jobtitle",
      "Shoe size": null,
    });
    const conf = Object.fromEntries(m.map((x) => [x.header, [x.method, x.confidence]]));
    expect(conf.email).toEqual(["exact", 1]);
    expect(conf["First Name"]).toEqual(["normalised", 0.95]);
    expect(conf["Surname"]).toEqual(["synonym", 0.9]);
    expect(conf["Jbo Title"]![0]).toBe("fuzzy");
    expect(conf["Jbo Title"]![1]).toBeLessThan(0.9);
    expect(conf["Shoe size"]).toEqual(["none", 0]);
  });

  it("maps each property once: the best match wins, a duplicate column stays unmapped", () => {
    const m = autoMap(["Email", "Email (2)", "E-mail"], "contacts", CONTACT_PROPS);
    expect(m.filter((x) => x.target === "email")).toHaveLength(1);
    expect(targets(m).Email).toBe("email");
  });

  it("offers association references: company domain on contacts, requester e-mail on tickets", () => {
    expect(targets(autoMap(["Company domain", "邮箱"], "contacts", CONTACT_PROPS))).toEqual({
      "Company domain": "@company_domain",
      邮箱: "email",
    });
    expect(targets(autoMap(["标题", "描述", "客户邮箱", "优先级"], "tickets", TICKET_PROPS))).toEqual({
      标题: "subject",
      描述: "content",
      客户邮箱: "@contact_email",
      优先级: "hs_ticket_priority",
    });
    expect(targets(autoMap(["Company name", "Website"], "companies", COMPANY_PROPS))).toEqual({
      "Company name": "name",
      Website: "domain",
    });
  });

  it("lets a template override the guess", () => {
    const m = applyTemplate(autoMap(["Company", "Notes"], "contacts", CONTACT_PROPS), {
      Company: null,
      Notes: "jobtitle",
    });
    expect(targets(m)).toEqual({ Company: null, Notes: "jobtitle" });
    expect(m[1]!.method).toBe("template");
  });

  it("measures similarity", () => {
    expect(similarity("email", "email")).toBe(1);
    expect(similarity("emial", "email")).toBeGreaterThan(0.5);
    expect(similarity("", "x")).toBe(0);
  });
});
