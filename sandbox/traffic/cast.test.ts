import { describe, expect, it } from "vitest";
import { createPerson, formatName, formatPhone } from "./cast";

const cast = (seed: number, n: number) => Array.from({ length: n }, (_, i) => createPerson(seed, i));

describe("createPerson", () => {
  it("gives the same person for the same seed and index, whatever was asked before", () => {
    expect(createPerson(11, 37)).toEqual(createPerson(11, 37));
    expect(cast(11, 40)[37]).toEqual(createPerson(11, 37));
    expect(createPerson(11, 37)).not.toEqual(createPerson(12, 37));
  });

  it("makes a bilingual cast with unique emails, real-looking phones and OpenIDs", () => {
    const people = cast(2026, 600);
    const regions = new Set(people.map((p) => p.region));
    expect(regions).toEqual(new Set(["cn", "hk", "uk"]));
    expect(new Set(people.map((p) => p.email)).size).toBe(people.length);
    expect(new Set(people.map((p) => p.otherEmail)).size).toBe(people.length);
    expect(new Set(people.map((p) => p.openid)).size).toBe(people.length);
    for (const p of people) {
      expect(p.key).toMatch(/^p\d{3,}$/);
      expect(p.email).toMatch(/^[a-z0-9.]+@[a-z0-9.-]+\.[a-z.]+$/);
      expect(p.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
      const phone = { cn: /^\+861[3-9]\d{9}$/, hk: /^\+852[569]\d{7}$/, uk: /^\+447700900\d{3}$/ }[p.region];
      expect(p.phone).toMatch(phone);
      if (p.region !== "uk") {
        // Romanised, Chinese and English names for the same parent.
        expect(p.names).toHaveLength(3);
        expect(p.names.some((n) => /\p{Script=Han}/u.test(n.last))).toBe(true);
        expect(p.child.chinese).toMatch(/^\p{Script=Han}+$/u);
      }
      expect(p.child.birthDate).toMatch(/^20\d\d-\d\d-\d\d$/);
    }
    expect(people.filter((p) => p.usesWechat).length).toBeGreaterThan(people.length / 2);
    expect(people.some((p) => !p.usesWechat)).toBe(true);
  });

  it("formats names and phones the way people write them", () => {
    expect(formatName({ first: "芳", last: "王" })).toBe("王芳");
    expect(formatName({ first: "Grace", last: "Wang" })).toBe("Grace Wang");
    expect(formatPhone("+8613812345678", "spaced")).toBe("+86 138 1234 5678");
    expect(formatPhone("+8613812345678", "local")).toBe("13812345678");
    expect(formatPhone("+85291234567", "spaced")).toBe("+852 9123 4567");
    expect(formatPhone("+447700900123", "local")).toBe("07700900123");
    expect(formatPhone("+447700900123", "spaced")).toBe("+44 7700 900123");
    expect(formatPhone("+447700900123", "e164")).toBe("+447700900123");
  });
});
