/**
 * What a typed value is, before any database lookup. Pure (shared by matching, the console search
 * and tests): the matcher decides LINKED / REVIEW / INVALID from this plus the issued codes.
 */
import { isValidCode, normalizeCode, oneEditNeighbours } from "@/lib/identity/code";

export type TClassifiedInput =
  /** Blank: nothing was typed (a cleared field); not recorded. */
  | { kind: "empty" }
  /** Not 8 code symbols after forgiving normalisation (e.g. "n/a", a phone number). */
  | { kind: "invalid" }
  /** Code-shaped and the check character holds: look it up. */
  | { kind: "valid"; normalized: string }
  /** Code-shaped but the check character fails: a typo; `neighbours` are the valid codes one edit away. */
  | { kind: "check_failed"; normalized: string; neighbours: string[] };

/** The longest input kept as typed; anything longer is not a code and is cut for storage. */
export const MAX_RAW_INPUT = 200;

export function classifyInput(raw: string): TClassifiedInput {
  if (raw.trim() === "") return { kind: "empty" };
  const normalized = normalizeCode(raw);
  if (!normalized) return { kind: "invalid" };
  if (isValidCode(normalized)) return { kind: "valid", normalized };
  return { kind: "check_failed", normalized, neighbours: oneEditNeighbours(normalized) };
}

/** Storage form of what was typed: exact, but bounded (the unique key includes it). */
export function storedRawInput(raw: string): string {
  return raw.length > MAX_RAW_INPUT ? raw.slice(0, MAX_RAW_INPUT) : raw;
}
