import { describe, expect, it } from "vitest";
import { maskEmail, maskName, maskPersonalData, maskPhone, maskText } from "./mask";

describe("masking personal data in event previews", () => {
  it("keeps the first letters of an email's local part and host, and the TLD", () => {
    expect(maskEmail("jane.doe@example.com")).toBe("j***@e***.com");
    expect(maskEmail("a@b.co.uk")).toBe("a***@b***.uk");
  });

  it("keeps the country code and the last two digits of a phone number", () => {
    expect(maskPhone("+44 20 7946 0989")).toBe("+44*** *** 89");
    expect(maskPhone("(555) 123-4567")).toBe("5*** *** 67");
  });

  it("keeps initials of names", () => {
    expect(maskName("Jane van Doe")).toBe("J*** v*** D***");
  });

  it("masks emails and phones inside free text but leaves short numbers alone", () => {
    expect(maskText("call +1 415 555 0100 or mail bob@corp.io, order 1234")).toBe(
      "call +14*** *** 00 or mail b***@c***.io, order 1234",
    );
  });

  it("leaves dates and ISO timestamps readable", () => {
    expect(maskText("2026-11-22T19:45:34.020Z")).toBe("2026-11-22T19:45:34.020Z");
    expect(maskPersonalData({ revbridge_signed_up_at: "2026-03-01" })).toEqual({
      revbridge_signed_up_at: "2026-03-01",
    });
    expect(maskText("on 2026-03-01 call 020 7946 0989")).toBe("on 2026-03-01 call 0*** *** 89");
  });

  it("masks by key and by value, deeply, keeping structure and other values", () => {
    const masked = maskPersonalData({
      id: "evt_1",
      email: "jane@example.com",
      properties: {
        firstName: "Jane",
        lastName: "Doe",
        plan: "pro",
        amount: 49,
        mobile: "13800138000",
        note: "reach me at jane@example.com",
        contact: { display_name: "Jane D" },
      },
      list: ["x@y.com"],
    });
    expect(masked).toEqual({
      id: "evt_1",
      email: "j***@e***.com",
      properties: {
        firstName: "J***",
        lastName: "D***",
        plan: "pro",
        amount: 49,
        mobile: "1*** *** 00",
        note: "reach me at j***@e***.com",
        contact: { display_name: "J*** D***" },
      },
      list: ["x***@y***.com"],
    });
  });

  it("does not treat plan or product names as personal names", () => {
    expect(maskPersonalData({ planName: "Pro", product: "Gold" })).toEqual({
      planName: "Pro",
      product: "Gold",
    });
  });
});
