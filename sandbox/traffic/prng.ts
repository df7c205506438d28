/**
 * Seeded randomness for the traffic generator. Every choice of a scenario, a person or a detail is
 * drawn here, never from Math.random, so one seed always plans the same actions. The generator is
 * core's mulberry32 (`createSeededRandom`, also behind fault injection); this adds the helpers and
 * independent named streams, so drawing delays never shifts which actions are planned.
 */
import { createSeededRandom } from "../core";

export interface TRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Whole number in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight; items with weight ≤ 0 are never picked. */
  pickWeighted<T>(items: readonly T[], weightOf: (item: T) => number): T;
  /** A string of `length` characters drawn from `alphabet`. */
  string(length: number, alphabet: string): string;
  /** An independent stream derived from this one's seed and a label. */
  fork(label: string): TRandom;
}

/** FNV-1a over the label mixed with the seed: stable sub-seeds without drawing from the parent. */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function createRandom(seed: number): TRandom {
  const next = createSeededRandom(seed);
  const random: TRandom = {
    next,
    int(min, max) {
      if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
        throw new RangeError(`int(${min}, ${max}) needs whole numbers with min ≤ max`);
      }
      return min + Math.floor(next() * (max - min + 1));
    },
    chance(probability) {
      return next() < probability;
    },
    pick(items) {
      if (items.length === 0) throw new RangeError("pick() from an empty list");
      return items[Math.floor(next() * items.length)]!;
    },
    pickWeighted(items, weightOf) {
      const weights = items.map((item) => Math.max(0, weightOf(item)));
      const total = weights.reduce((a, b) => a + b, 0);
      if (total <= 0) throw new RangeError("pickWeighted() needs at least one positive weight");
      let roll = next() * total;
      for (let i = 0; i < items.length; i++) {
        roll -= weights[i]!;
        if (roll < 0 && weights[i]! > 0) return items[i]!;
      }
      // Floating-point leftovers: the last item with weight.
      const last = weights.findLastIndex((w) => w > 0);
      return items[last]!;
    },
    string(length, alphabet) {
      let out = "";
      for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
      return out;
    },
    fork(label) {
      return createRandom(deriveSeed(seed, label));
    },
  };
  return random;
}
