import { describe, expect, it } from "vitest";
import { checkCharacter, generateCode } from "./code";
import { isCodeRelevantChange } from "./hubspot-source";
import { isLinkedOutcome, readSuggestions, reviewReason } from "./match";

describe("isCodeRelevantChange", () => {
  const code = "wechat_code";
  it("re-reads on creation, merge and restore", () => {
    for (const t of ["contact.creation", "contact.merge", "contact.restore"]) {
      expect(isCodeRelevantChange({ subscriptionType: t }, code)).toBe(true);
    }
  });

  it("re-reads on a change of the code property, or when the changed property is unknown", () => {
    expect(
      isCodeRelevantChange(
        { subscriptionType: "contact.propertyChange", changes: [{ property: "wechat_code" }] },
        code,
      ),
    ).toBe(true);
    expect(isCodeRelevantChange({ subscriptionType: "contact.propertyChange" }, code)).toBe(true);
  });

  it("ignores other properties (including the echo of our own wechat_openid write) and deletions", () => {
    expect(
      isCodeRelevantChange(
        { subscriptionType: "contact.propertyChange", changes: [{ property: "wechat_openid" }] },
        code,
      ),
    ).toBe(false);
    expect(isCodeRelevantChange({ subscriptionType: "contact.deletion" }, code)).toBe(false);
  });

  it("follows a renamed code property", () => {
    const change = { subscriptionType: "contact.propertyChange", changes: [{ property: "wx_code" }] };
    expect(isCodeRelevantChange(change, "wx_code")).toBe(true);
    expect(isCodeRelevantChange(change, code)).toBe(false);
  });
});

describe("review reasons and suggestions", () => {
  const valid = generateCode();
  const body = "ABCDEFG";
  const invalid = body + (checkCharacter(body) === "0" ? "1" : "0");

  it("derives why a submission waits", () => {
    expect(reviewReason(valid, [])).toBe("unknown_code");
    expect(reviewReason(invalid, [])).toBe("check_failed");
    expect(reviewReason(valid, [{ code: valid, openid: "o1", reason: "exact" }])).toBe(
      "linked_to_other_person",
    );
  });

  it("reads stored suggestions defensively", () => {
    expect(readSuggestions([{ code: valid, openid: "o1", reason: "one_edit" }])).toHaveLength(1);
    expect(readSuggestions({ nonsense: true })).toEqual([]);
    expect(readSuggestions(null)).toEqual([]);
  });

  it("knows which outcomes carry a link", () => {
    expect(["LINKED", "ALREADY_LINKED", "APPROVED"].every((o) => isLinkedOutcome(o as never))).toBe(true);
    expect(["REVIEW", "REJECTED", "INVALID", "EMPTY"].some((o) => isLinkedOutcome(o as never))).toBe(false);
  });
});
