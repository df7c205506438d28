import { describe, expect, it } from "vitest";
import {
  CROCKFORD_ALPHABET,
  applyCodeVariant,
  createSyntheticCode,
  findCodeInText,
  isTypo,
  planCodeVariant,
  type TCodeVariant,
} from "./codes";
import { createRandom } from "./prng";
import { normaliseTypedCode as normalise } from "./test-receiver";

const CODE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

describe("codes", () => {
  it("makes XXXX-XXXX look-alikes in Crockford's alphabet, stable per person", () => {
    expect(CROCKFORD_ALPHABET).toHaveLength(32);
    for (let i = 0; i < 200; i++) expect(createSyntheticCode(1, i)).toMatch(CODE);
    expect(createSyntheticCode(1, 5)).toBe(createSyntheticCode(1, 5));
    expect(createSyntheticCode(1, 5)).not.toBe(createSyntheticCode(1, 6));
  });

  it("types sloppy codes that still normalise to the code, and typos that do not", () => {
    const rng = createRandom(77);
    const seen = new Set<string>();
    for (let i = 0; i < 3_000; i++) {
      const code = createSyntheticCode(3, i % 50);
      const variant = planCodeVariant(rng);
      seen.add(variant.kind);
      const typed = applyCodeVariant(code, variant);
      if (isTypo(variant))
        expect(normalise(typed), `${code} ${JSON.stringify(variant)}`).not.toBe(normalise(code));
      else expect(normalise(typed)).toBe(normalise(code));
    }
    expect(seen.size).toBe(8);
  });

  it("applies each kind as a person would", () => {
    const v = (x: TCodeVariant) => applyCodeVariant("K7Q0-2M1P", x);
    expect(v({ kind: "exact" })).toBe("K7Q0-2M1P");
    expect(v({ kind: "lowercase" })).toBe("k7q0-2m1p");
    expect(v({ kind: "no-dash" })).toBe("K7Q02M1P");
    expect(v({ kind: "spaced" })).toBe(" K7Q0 2M1P ");
    expect(v({ kind: "confusable" })).toBe("K7QO-2MlP");
    expect(v({ kind: "transposed", at: 0 })).toBe("7KQ0-2M1P");
    expect(v({ kind: "dropped", at: 7 })).toBe("K7Q0-2M1");
    expect(v({ kind: "substituted", at: 1, offset: 1 })).toBe("K8Q0-2M1P");
    // Equal neighbours: the swap moves on to a different character so the typo is real.
    expect(applyCodeVariant("AAB0-0000", { kind: "transposed", at: 0 })).toBe("BAA0-0000");
  });

  it("finds a code in the app's reply text", () => {
    expect(findCodeInText("您的验证码是 K7QX-2M9P，请在表单中填写。")).toBe("K7QX-2M9P");
    expect(findCodeInText("Your code: AB12-CD34")).toBe("AB12-CD34");
    expect(findCodeInText("ZZK7QX-2M9P")).toBeNull();
    expect(findCodeInText("欢迎关注")).toBeNull();
    expect(findCodeInText(null)).toBeNull();
  });
});
