import { describe, expect, it } from "vitest";
import { isEmailAllowed, parseAllowedDomains } from "./allowlist";

describe("email domain allowlist", () => {
  const allowed = parseAllowedDomains(" School.edu, @school.cn ,,");

  it("normalises the configured list", () => {
    expect(allowed).toEqual(["school.edu", "school.cn"]);
  });

  it("accepts exact domains, case-insensitively", () => {
    expect(isEmailAllowed("Head@SCHOOL.edu", allowed)).toBe(true);
    expect(isEmailAllowed("a@school.cn", allowed)).toBe(true);
  });

  it("refuses look-alike and sub-domains and malformed addresses", () => {
    expect(isEmailAllowed("a@evil-school.edu", allowed)).toBe(false);
    expect(isEmailAllowed("a@mail.school.edu", allowed)).toBe(false);
    expect(isEmailAllowed("school.edu", allowed)).toBe(false);
    expect(isEmailAllowed("a@school.edu", [])).toBe(false);
  });
});
