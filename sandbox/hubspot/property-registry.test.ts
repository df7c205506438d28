import { describe, expect, it } from "vitest";
import { createPropertyRegistry } from "./property-registry";

describe("property registry", () => {
  const registry = createPropertyRegistry(() => 62515);

  it("stores strings, clears with null or empty, drops read-only values", () => {
    const { values, problems } = registry.normalizeValues("contacts", {
      firstname: "Ada",
      lastname: null,
      phone: "",
      hs_object_id: "9",
      associatedcompanyid: 42,
    });
    expect(problems).toEqual([]);
    expect(values).toEqual({ firstname: "Ada", lastname: null, phone: null, associatedcompanyid: "42" });
  });

  it("names every unknown property and bad value, as HubSpot's message does", () => {
    const { problems } = registry.normalizeValues("deals", {
      amount: "lots",
      dealstage: "won",
      nope: "x",
      closedate: "someday",
    });
    expect(problems.map((p) => [p.name, p.error])).toEqual([
      ["amount", "INVALID_DECIMAL"],
      ["dealstage", "INVALID_OPTION"],
      ["nope", "PROPERTY_DOESNT_EXIST"],
      ["closedate", "INVALID_DATE"],
    ]);
    expect(problems[0]).toMatchObject({ isValid: false, portalId: 62515 });
  });

  it("normalises dates and emails", () => {
    expect(registry.normalizeValues("deals", { closedate: "1767225600000" }).values.closedate).toBe(
      "2026-01-01T00:00:00.000Z",
    );
    expect(registry.normalizeValues("contacts", { email: " Ada@Example.COM " }).values.email).toBe(
      "ada@example.com",
    );
    expect(registry.normalizeValues("contacts", { email: "ada@" }).problems[0]?.error).toBe("INVALID_EMAIL");
  });

  it("checks each value of a multi-select against the options", () => {
    expect(
      registry.normalizeValues("tickets", { hs_ticket_category: "BILLING_ISSUE;PRODUCT_ISSUE" }).problems,
    ).toEqual([]);
    expect(
      registry.normalizeValues("tickets", { hs_ticket_category: "BILLING_ISSUE;OTHER" }).problems[0]?.error,
    ).toBe("INVALID_OPTION");
  });

  it("adds custom properties once and treats hasUniqueValue ones as unique", () => {
    const r = createPropertyRegistry(() => 1);
    const def = {
      name: "wechat_openid",
      label: "OpenID",
      type: "string",
      fieldType: "text",
      groupName: "g",
      hasUniqueValue: true,
    } as const;
    expect(r.create("contacts", def)?.name).toBe("wechat_openid");
    expect(r.create("contacts", def)).toBeUndefined();
    expect(r.uniqueProperties("contacts")).toEqual(["email", "wechat_openid"]);
    r.reset();
    expect(r.get("contacts", "wechat_openid")).toBeUndefined();
  });
});
