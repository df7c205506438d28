/**
 * WeChat codes as parents type them. The app issues the real code (XXXX-XXXX, Crockford base32 with a
 * check character); when its reply carries one the generator types that, otherwise a look-alike drawn
 * from the seed. How the code is mistyped is planned up front, so a run is reproducible even though
 * the code itself comes from the app.
 */
import { createRandom, deriveSeed, type TRandom } from "./prng";

/** Crockford's base32 alphabet: no I, L, O or U. */
export const CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export type TCodeVariant =
  | { kind: "exact" }
  /** Sloppy but recoverable: the app's normaliser should still match these. */
  | { kind: "lowercase" }
  | { kind: "no-dash" }
  | { kind: "spaced" }
  | { kind: "confusable" }
  /** Real typos: the check character fails and the submission belongs in the review queue. */
  | { kind: "substituted"; at: number; offset: number }
  | { kind: "transposed"; at: number }
  | { kind: "dropped"; at: number };

export type TCodeVariantKind = TCodeVariant["kind"];

const VARIANT_WEIGHTS: Record<TCodeVariantKind, number> = {
  exact: 60,
  lowercase: 8,
  "no-dash": 8,
  spaced: 4,
  confusable: 5,
  substituted: 7,
  transposed: 5,
  dropped: 3,
};

const TYPOS = new Set<TCodeVariantKind>(["substituted", "transposed", "dropped"]);

export function isTypo(variant: TCodeVariant): boolean {
  return TYPOS.has(variant.kind);
}

/** The code a person would have been issued when the app said nothing: `XXXX-XXXX`. */
export function createSyntheticCode(seed: number, personIndex: number): string {
  const r = createRandom(deriveSeed(seed, `code:${personIndex}`));
  const raw = r.string(8, CROCKFORD_ALPHABET);
  return `${raw.slice(0, 4)}-${raw.slice(4)}`;
}

export function planCodeVariant(rng: TRandom): TCodeVariant {
  const kind = rng.pickWeighted(
    Object.keys(VARIANT_WEIGHTS) as TCodeVariantKind[],
    (k) => VARIANT_WEIGHTS[k],
  );
  switch (kind) {
    case "substituted":
      return { kind, at: rng.int(0, 7), offset: rng.int(1, CROCKFORD_ALPHABET.length - 1) };
    case "transposed":
      return { kind, at: rng.int(0, 6) };
    case "dropped":
      return { kind, at: rng.int(0, 7) };
    default:
      return { kind };
  }
}

/** Types `code` the way the variant says; positions count the code's characters, not the dash. */
export function applyCodeVariant(code: string, variant: TCodeVariant): string {
  const chars = code.replace(/-/g, "").split("");
  const at = (n: number) => Math.min(n, chars.length - 1);
  const joined = () =>
    chars.length === 8 ? `${chars.slice(0, 4).join("")}-${chars.slice(4).join("")}` : chars.join("");
  switch (variant.kind) {
    case "exact":
      return code;
    case "lowercase":
      return code.toLowerCase();
    case "no-dash":
      return chars.join("");
    case "spaced":
      return ` ${chars.slice(0, 4).join("")} ${chars.slice(4).join("")} `;
    case "confusable":
      // Crockford decoding reads O as 0 and I/L as 1: what a parent copying from a phone screen types.
      return /[01]/.test(code) ? code.replace(/0/g, "O").replace(/1/g, "l") : code.toLowerCase();
    case "substituted": {
      const i = at(variant.at);
      const from = CROCKFORD_ALPHABET.indexOf(chars[i]!.toUpperCase());
      chars[i] = CROCKFORD_ALPHABET[(Math.max(0, from) + variant.offset) % CROCKFORD_ALPHABET.length]!;
      return joined();
    }
    case "transposed": {
      const i = Math.min(variant.at, chars.length - 2);
      // Swapping equal neighbours changes nothing; swap with the next different one instead.
      let j = i + 1;
      while (j < chars.length - 1 && chars[j] === chars[i]) j++;
      [chars[i], chars[j]] = [chars[j]!, chars[i]!];
      return joined();
    }
    case "dropped": {
      chars.splice(at(variant.at), 1);
      return `${chars.slice(0, 4).join("")}-${chars.slice(4).join("")}`;
    }
  }
}

const CODE_IN_TEXT = /(?<![0-9A-Z])([0-9A-Z]{4}-[0-9A-Z]{4})(?![0-9A-Z])/;

/** The first `XXXX-XXXX` code in a message (the app's reply or customer-service message), if any. */
export function findCodeInText(text: string | null | undefined): string | null {
  if (!text) return null;
  return CODE_IN_TEXT.exec(text)?.[1] ?? null;
}
