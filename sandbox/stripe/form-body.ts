/**
 * Stripe's v1 request encoding: `application/x-www-form-urlencoded` (bodies) or the query string (GET,
 * DELETE) with bracketed keys — `metadata[plan]=pro`, `expand[]=customer`, `expand[0]=customer`,
 * `line_items[0][price_data][currency]=usd`. The SDK sends indexed arrays; curl users send `[]`.
 */
export type TFormValue = string | TFormValue[] | TFormObject;
export type TFormObject = { [key: string]: TFormValue };

export class FormBodyError extends Error {
  override name = "FormBodyError";
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
  }
}

/** `a[b][]` → ["a", "b", ""]; an unbalanced key is kept whole, as Rack's parser does. */
function splitKey(key: string): string[] {
  const open = key.indexOf("[");
  if (open <= 0 || !key.endsWith("]")) return [key];
  const parts = [key.slice(0, open)];
  const rest = key.slice(open);
  const re = /\[([^\]]*)\]/g;
  let consumed = 0;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    if (m.index !== consumed) return [key];
    parts.push(m[1] ?? "");
    consumed = m.index + m[0].length;
  }
  return consumed === rest.length ? parts : [key];
}

function isObject(v: TFormValue | undefined): v is TFormObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function assign(root: TFormObject, path: string[], value: string, fullKey: string): void {
  let node: TFormObject | TFormValue[] = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    const nextIsAppend = path[i + 1] === "";
    if (Array.isArray(node)) {
      // `[]` appends; a following segment then names a field of a fresh element.
      if (seg !== "") throw new FormBodyError(`Invalid array: ${fullKey}`, fullKey);
      if (last) {
        node.push(value);
        return;
      }
      const fresh: TFormObject | TFormValue[] = nextIsAppend ? [] : {};
      node.push(fresh);
      node = fresh;
      continue;
    }
    if (seg === "" && i > 0) throw new FormBodyError(`Invalid hash: ${fullKey}`, fullKey);
    if (last) {
      if (node[seg] !== undefined && typeof node[seg] !== "string") {
        throw new FormBodyError(`Invalid hash: ${fullKey}`, fullKey);
      }
      node[seg] = value;
      return;
    }
    const existing: TFormValue | undefined = node[seg];
    if (existing === undefined) {
      const fresh: TFormObject | TFormValue[] = nextIsAppend ? [] : {};
      node[seg] = fresh;
      node = fresh;
    } else if (typeof existing === "string") {
      throw new FormBodyError(`Invalid hash: ${fullKey}`, fullKey);
    } else if (nextIsAppend !== Array.isArray(existing)) {
      throw new FormBodyError(`Invalid array: ${fullKey}`, fullKey);
    } else {
      node = existing;
    }
  }
}

/** Parses a form body or query string into nested objects; `a[0]` stays an object keyed "0" (see asArray). */
export function parseFormBody(input: string | URLSearchParams): TFormObject {
  const params = typeof input === "string" ? new URLSearchParams(input) : input;
  const root: TFormObject = {};
  for (const [key, value] of params) {
    if (key === "") continue;
    assign(root, splitKey(key), value, key);
  }
  return root;
}

/**
 * Arrays arrive as `x[]` (an array) or `x[0]`, `x[1]` (an object with index keys); both mean a list.
 * Returns undefined when the value is neither.
 */
export function asArray(value: TFormValue | undefined): TFormValue[] | undefined {
  if (Array.isArray(value)) return value;
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (!keys.every((k) => /^\d+$/.test(k))) return undefined;
  return keys.sort((a, b) => Number(a) - Number(b)).map((k) => value[k]!);
}

/** A canonical string of a parsed body, so idempotency can compare parameters regardless of key order. */
export function canonicalizeForm(value: TFormValue): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalizeForm).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalizeForm(value[k]!)}`).join(",")}}`;
}

export { isObject as isFormObject };
