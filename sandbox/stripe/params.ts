/**
 * Reads Stripe request parameters the way the API validates them: every key must be known (unknown →
 * `parameter_unknown`), required ones present (`parameter_missing`), scalars well-formed. A reader marks
 * what it consumed; `done()` rejects the rest, with the bracketed path Stripe names in `param`.
 */
import { asArray, isFormObject, type TFormObject, type TFormValue } from "./form-body";
import { invalidParam, missingParam, unknownParam } from "./errors";

export type TMetadata = Record<string, string>;
/** `null` = `metadata=""` (clear all); otherwise per-key: a string sets, null unsets. */
export type TMetadataPatch = Record<string, string | null> | null;
export type TRange = { gt?: number; gte?: number; lt?: number; lte?: number };

export class ParamReader {
  private readonly seen = new Set<string>();

  constructor(
    private readonly values: TFormObject,
    private readonly prefix = "",
  ) {}

  /** The full bracketed name of a key under this reader, e.g. `line_items[0][price]`. */
  prefixName(key: string): string {
    return this.name(key);
  }

  private name(key: string): string {
    return this.prefix ? `${this.prefix}[${key}]` : key;
  }

  private take(key: string): TFormValue | undefined {
    this.seen.add(key);
    return this.values[key];
  }

  has(key: string): boolean {
    return this.values[key] !== undefined;
  }

  /** Whether the value is a nested hash (so a caller can accept either a hash or `""`). */
  isHash(key: string): boolean {
    return isFormObject(this.values[key]);
  }

  string(key: string): string | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (typeof v !== "string") throw invalidParam(this.name(key), `Invalid string: ${this.name(key)}`);
    return v;
  }

  requiredString(key: string): string {
    const v = this.string(key);
    if (v === undefined || v === "") throw missingParam(this.name(key));
    return v;
  }

  /** Fields Stripe lets you unset by sending an empty string: '' → null. */
  emptyableString(key: string): string | null | undefined {
    const v = this.string(key);
    return v === "" ? null : v;
  }

  integer(key: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const raw = this.string(key);
    if (raw === undefined) return undefined;
    if (!/^-?\d+$/.test(raw)) {
      throw invalidParam(this.name(key), `Invalid integer: ${raw}`, "parameter_invalid_integer");
    }
    const n = Number(raw);
    if (opts.min !== undefined && n < opts.min) {
      throw invalidParam(this.name(key), `This value must be greater than or equal to ${opts.min}.`);
    }
    if (opts.max !== undefined && n > opts.max) {
      throw invalidParam(this.name(key), `This value must be less than or equal to ${opts.max}.`);
    }
    return n;
  }

  requiredInteger(key: string, opts: { min?: number; max?: number } = {}): number {
    const v = this.integer(key, opts);
    if (v === undefined) throw missingParam(this.name(key));
    return v;
  }

  boolean(key: string): boolean | undefined {
    const raw = this.string(key);
    if (raw === undefined) return undefined;
    if (raw !== "true" && raw !== "false") throw invalidParam(this.name(key), `Invalid boolean: ${raw}`);
    return raw === "true";
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const raw = this.string(key);
    if (raw === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(raw)) {
      const list =
        allowed.length > 1 ? `${allowed.slice(0, -1).join(", ")}, or ${allowed.at(-1)}` : allowed[0];
      throw invalidParam(this.name(key), `Invalid ${this.name(key)}: must be one of ${list}`);
    }
    return raw as T;
  }

  /** ISO 4217 three-letter code, lower-cased as Stripe stores it. */
  currency(key: string): string | undefined {
    const raw = this.string(key);
    if (raw === undefined) return undefined;
    if (!/^[A-Za-z]{3}$/.test(raw)) throw invalidParam(this.name(key), `Invalid currency: ${raw}`);
    return raw.toLowerCase();
  }

  /** A nested hash, read by its own reader (which reports `parent[child]` paths). */
  object(key: string): ParamReader | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (!isFormObject(v)) throw invalidParam(this.name(key), `Invalid object: ${this.name(key)}`);
    return new ParamReader(v, this.name(key));
  }

  /** A list of hashes (`line_items[0][price]`). */
  objectList(key: string): ParamReader[] | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    const list = asArray(v);
    if (!list) throw invalidParam(this.name(key), `Invalid array: ${this.name(key)}`);
    return list.map((item, i) => {
      if (!isFormObject(item))
        throw invalidParam(`${this.name(key)}[${i}]`, `Invalid object: ${this.name(key)}[${i}]`);
      return new ParamReader(item, `${this.name(key)}[${i}]`);
    });
  }

  /** A list of strings (`expand[]`, `types[]`); an empty string means an empty list. */
  stringList(key: string): string[] | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (v === "") return [];
    const list = asArray(v);
    if (!list || !list.every((x): x is string => typeof x === "string")) {
      throw invalidParam(this.name(key), `Invalid array: ${this.name(key)}`);
    }
    return list;
  }

  expand(): string[] {
    return this.stringList("expand") ?? [];
  }

  /** Stripe's metadata limits: 50 keys, keys ≤ 40 chars without brackets, values ≤ 500 chars. */
  metadata(key = "metadata"): TMetadataPatch | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (v === "") return null;
    if (!isFormObject(v)) throw invalidParam(this.name(key), `Invalid object: ${this.name(key)}`);
    const patch: Record<string, string | null> = {};
    for (const [k, value] of Object.entries(v)) {
      if (typeof value !== "string")
        throw invalidParam(`${this.name(key)}[${k}]`, `Invalid string: ${this.name(key)}[${k}]`);
      if (k.length > 40)
        throw invalidParam(`${this.name(key)}[${k}]`, "Metadata keys can have up to 40 characters.");
      if (value.length > 500)
        throw invalidParam(`${this.name(key)}[${k}]`, "Metadata values can have up to 500 characters.");
      patch[k] = value === "" ? null : value;
    }
    return patch;
  }

  /** `created=123` or `created[gte]=…&created[lt]=…`. */
  range(key: string): TRange | undefined {
    const v = this.values[key];
    if (typeof v === "string") {
      const n = this.integer(key);
      return n === undefined ? undefined : { gte: n, lte: n };
    }
    const sub = this.object(key);
    if (!sub) return undefined;
    const r: TRange = {
      gt: sub.integer("gt"),
      gte: sub.integer("gte"),
      lt: sub.integer("lt"),
      lte: sub.integer("lte"),
    };
    sub.done();
    return r;
  }

  /** Rejects any parameter not read; call after every field is consumed. */
  done(): void {
    for (const key of Object.keys(this.values)) {
      if (!this.seen.has(key)) throw unknownParam(this.name(key));
    }
  }
}

export function applyMetadata(current: TMetadata, patch: TMetadataPatch | undefined): TMetadata {
  if (patch === undefined) return current;
  if (patch === null) return {};
  const next = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  if (Object.keys(next).length > 50) throw invalidParam("metadata", "You can have up to 50 metadata keys.");
  return next;
}

export function matchesRange(value: number, r: TRange | undefined): boolean {
  if (!r) return true;
  if (r.gt !== undefined && !(value > r.gt)) return false;
  if (r.gte !== undefined && !(value >= r.gte)) return false;
  if (r.lt !== undefined && !(value < r.lt)) return false;
  if (r.lte !== undefined && !(value <= r.lte)) return false;
  return true;
}

/** Loose address check used where Stripe validates an email (`email_invalid`). */
export function assertEmail(param: string, email: string | null | undefined): void {
  if (email === null || email === undefined) return;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 512) {
    throw invalidParam(param, `Invalid email address: ${email}`, "email_invalid");
  }
}
