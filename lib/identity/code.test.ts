import { describe, expect, it } from "vitest";
import {
  CODE_ALPHABET,
  POSITION_WEIGHTS,
  checkCharacter,
  formatCode,
  generateCode,
  gfMul,
  isValidCode,
  normalizeCode,
  oneEditNeighbours,
} from "./code";

const SYMBOLS = [...CODE_ALPHABET];

function gfInv(a: number): number {
  for (let b = 1; b < 32; b++) if (gfMul(a, b) === 1) return b;
  throw new Error(`no inverse for ${a}`);
}

function randomSymbolIndex(): number {
  return Math.floor(Math.random() * 32);
}

/**
 * A valid code with the given symbols at the given positions and random symbols elsewhere, found by solving one
 * free position (w_f·x_f = Σ_{j≠f} w_j·x_j). Lets the exhaustive tests place any pair of symbols anywhere,
 * including at the check position.
 */
function validCodeWith(fixed: ReadonlyMap<number, number>): string {
  const values = Array.from({ length: 8 }, (_, i) => fixed.get(i) ?? randomSymbolIndex());
  const free = [0, 1, 2, 3, 4, 5, 6, 7].find((i) => !fixed.has(i))!;
  let sum = 0;
  for (let j = 0; j < 8; j++) if (j !== free) sum ^= gfMul(POSITION_WEIGHTS[j]!, values[j]!);
  values[free] = gfMul(gfInv(POSITION_WEIGHTS[free]!), sum);
  const code = values.map((v) => CODE_ALPHABET[v]).join("");
  expect(isValidCode(code)).toBe(true);
  return code;
}

describe("GF(32) arithmetic", () => {
  it("has 32 distinct alphabet symbols without I, L, O, U", () => {
    expect(new Set(SYMBOLS).size).toBe(32);
    for (const banned of "ILOU") expect(CODE_ALPHABET).not.toContain(banned);
  });

  it("is a field: every non-zero element has an inverse and multiplication is commutative", () => {
    for (let a = 1; a < 32; a++) {
      expect(gfMul(a, gfInv(a))).toBe(1);
      for (let b = 0; b < 32; b++) expect(gfMul(a, b)).toBe(gfMul(b, a));
    }
  });

  it("uses distinct non-zero position weights with weight 1 at the check position", () => {
    expect(new Set(POSITION_WEIGHTS).size).toBe(8);
    expect(POSITION_WEIGHTS).not.toContain(0);
    expect(POSITION_WEIGHTS[7]).toBe(1);
  });
});

describe("check character", () => {
  it("generates valid 8-symbol codes", () => {
    for (let n = 0; n < 1000; n++) {
      const code = generateCode();
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
      expect(isValidCode(code)).toBe(true);
      expect(checkCharacter(code.slice(0, 7))).toBe(code[7]);
    }
  });

  it("detects every single-character substitution (every position × every pair of symbols)", () => {
    let checked = 0;
    for (let pos = 0; pos < 8; pos++) {
      for (let a = 0; a < 32; a++) {
        // Linearity: detection depends only on the error (b − a at pos), so one context per (pos, a) suffices;
        // use three random contexts anyway.
        for (let context = 0; context < 3; context++) {
          const code = validCodeWith(new Map([[pos, a]]));
          for (let b = 0; b < 32; b++) {
            if (b === a) continue;
            const mutated = code.slice(0, pos) + CODE_ALPHABET[b] + code.slice(pos + 1);
            expect(isValidCode(mutated), `${code} → ${mutated}`).toBe(false);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(8 * 32 * 31 * 3);
  });

  it("detects every adjacent transposition (every neighbour pair × every pair of distinct symbols)", () => {
    let checked = 0;
    for (let pos = 0; pos < 7; pos++) {
      for (let a = 0; a < 32; a++) {
        for (let b = 0; b < 32; b++) {
          if (a === b) continue;
          const code = validCodeWith(
            new Map([
              [pos, a],
              [pos + 1, b],
            ]),
          );
          const swapped = code.slice(0, pos) + code[pos + 1] + code[pos] + code.slice(pos + 2);
          expect(isValidCode(swapped), `${code} → ${swapped}`).toBe(false);
          checked++;
        }
      }
    }
    expect(checked).toBe(7 * 32 * 31);
  });

  it("brute force over random codes: no substitution or adjacent swap yields another valid code", () => {
    for (let n = 0; n < 1500; n++) {
      const code = generateCode();
      expect(oneEditNeighbours(code)).toEqual([]);
    }
  });
});

describe("normalizeCode / formatCode", () => {
  it("reads input forgivingly", () => {
    const code = validCodeWith(new Map());
    expect(normalizeCode(code)).toBe(code);
    expect(normalizeCode(formatCode(code).toLowerCase())).toBe(code);
    expect(normalizeCode(` ${code.slice(0, 4)} - ${code.slice(4)} `)).toBe(code);
    expect(normalizeCode("o1il-0000")).toBe("01110000");
    expect(normalizeCode("abcd–efgh")).toBe("ABCDEFGH");
  });

  it("rejects wrong lengths and symbols outside the alphabet", () => {
    expect(normalizeCode("ABC")).toBeNull();
    expect(normalizeCode("ABCDEFGHJ")).toBeNull();
    expect(normalizeCode("ABCDEFGU")).toBeNull();
    expect(normalizeCode("ABCD*FGH")).toBeNull();
    expect(normalizeCode("")).toBeNull();
  });

  it("formats as XXXX-XXXX", () => {
    expect(formatCode("ABCDEFGH")).toBe("ABCD-EFGH");
  });
});

describe("oneEditNeighbours", () => {
  it("suggests the original code for a one-substitution typo", () => {
    const code = generateCode();
    const wrong = code.slice(0, 3) + (code[3] === "7" ? "8" : "7") + code.slice(4);
    const suggestions = oneEditNeighbours(wrong);
    expect(suggestions).toContain(code);
    for (const s of suggestions) expect(isValidCode(s)).toBe(true);
    // One substitution per position can fix the sum, plus at most 7 swaps.
    expect(suggestions.length).toBeLessThanOrEqual(15);
  });

  it("suggests the original code for an adjacent swap", () => {
    let code = generateCode();
    while (code[2] === code[3]) code = generateCode();
    const swapped = code.slice(0, 2) + code[3] + code[2] + code.slice(4);
    expect(oneEditNeighbours(swapped)).toContain(code);
  });

  it("returns nothing for input that is not 8 alphabet symbols", () => {
    expect(oneEditNeighbours("ABC")).toEqual([]);
    expect(oneEditNeighbours("ABCDEFGU")).toEqual([]);
  });
});
