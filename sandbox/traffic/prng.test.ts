import { describe, expect, it } from "vitest";
import { createRandom, deriveSeed } from "./prng";

const draws = (seed: number, n: number) => {
  const r = createRandom(seed);
  return Array.from({ length: n }, () => r.next());
};

describe("createRandom", () => {
  it("repeats its sequence for a seed and differs between seeds", () => {
    expect(draws(42, 50)).toEqual(draws(42, 50));
    expect(draws(42, 50)).not.toEqual(draws(43, 50));
    for (const x of draws(7, 1_000)) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it("draws whole numbers over the full inclusive range, about evenly", () => {
    const r = createRandom(1);
    const counts = new Map<number, number>();
    for (let i = 0; i < 12_000; i++) {
      const v = r.int(1, 6);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    for (const c of counts.values()) expect(Math.abs(c - 2_000)).toBeLessThan(200);
    expect(() => r.int(3, 2)).toThrow(RangeError);
    expect(() => r.int(0.5, 2)).toThrow(RangeError);
  });

  it("picks by weight and never picks a zero weight", () => {
    const r = createRandom(9);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 20_000; i++)
      counts[r.pickWeighted(["a", "b", "never"] as const, (k) => ({ a: 3, b: 1, never: 0 })[k])]++;
    expect(counts.never).toBe(0);
    expect(counts.a / counts.b).toBeGreaterThan(2.7);
    expect(counts.a / counts.b).toBeLessThan(3.3);
    expect(() => r.pickWeighted(["x"], () => 0)).toThrow(RangeError);
    expect(() => r.pick([])).toThrow(RangeError);
  });

  it("builds strings from the alphabet only", () => {
    const s = createRandom(3).string(500, "AB1");
    expect(s).toMatch(/^[AB1]{500}$/);
    expect(new Set(s).size).toBe(3);
  });

  it("forks independent, stable streams without advancing the parent", () => {
    const parent = createRandom(5);
    const a1 = parent.fork("plan").next();
    const b = parent.fork("timing").next();
    const a2 = parent.fork("plan").next();
    expect(a1).toBe(a2);
    expect(a1).not.toBe(b);
    expect(parent.next()).toBe(createRandom(5).next());
    expect(deriveSeed(5, "plan")).toBe(deriveSeed(5, "plan"));
    expect(deriveSeed(5, "plan")).not.toBe(deriveSeed(6, "plan"));
  });
});
