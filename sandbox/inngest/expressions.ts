/**
 * The subset of CEL (https://github.com/google/cel-spec) that RevBridge's functions use in triggers,
 * `cancelOn`, `waitForEvent` and flow-control keys: literals, `event.x.y` / `event["x"]` access,
 * `== != < <= > >=`, `&& || !`, `+` (numbers, strings) and parentheses.
 *
 * Anything else (function calls, `in`, ternaries, macros) is rejected when a function registers, so a
 * typo or an unsupported form fails loudly at sync time rather than silently never matching.
 *
 * Evaluation follows CEL's error semantics: a missing key or a type mismatch is an error value,
 * `false && error` is `false`, `true || error` is `true`, and an expression that ends in error does
 * not match (Inngest treats evaluation errors as "no match").
 */

type TNode =
  | { kind: "literal"; value: unknown }
  | { kind: "ident"; name: string }
  | { kind: "member"; object: TNode; property: TNode }
  | { kind: "unary"; op: "!" | "-"; operand: TNode }
  | { kind: "binary"; op: TBinaryOp; left: TNode; right: TNode };

type TBinaryOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "&&" | "||" | "+" | "-";

type TToken =
  | { t: "num"; v: number }
  | { t: "str"; v: string }
  | { t: "ident"; v: string }
  | { t: "op"; v: string }
  | { t: "end" };

export class ExpressionError extends Error {
  override name = "ExpressionError";
}

const SUPPORTED = 'supported: literals, event.a.b / event["a"], == != < <= > >=, && || !, + and parentheses';

function tokenize(src: string): TToken[] {
  const tokens: TToken[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] ?? "";
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[uU]?/.exec(src.slice(i));
      const text = m?.[0] ?? ch;
      tokens.push({ t: "num", v: Number(text.replace(/[uU]$/, "")) });
      i += text.length;
      continue;
    }
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      let out = "";
      while (j < src.length && src[j] !== ch) {
        if (src[j] === "\\") {
          const next = src[j + 1] ?? "";
          out += next === "n" ? "\n" : next === "t" ? "\t" : next;
          j += 2;
        } else {
          out += src[j];
          j++;
        }
      }
      if (j >= src.length) throw new ExpressionError(`unterminated string in "${src}"`);
      tokens.push({ t: "str", v: out });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
      const word = m?.[0] ?? ch;
      tokens.push({ t: "ident", v: word });
      i += word.length;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (["==", "!=", "<=", ">=", "&&", "||"].includes(two)) {
      tokens.push({ t: "op", v: two });
      i += 2;
      continue;
    }
    // "," only appears in calls and macros; tokenizing it lets the parser name the real problem.
    if ("<>!+-.()[],".includes(ch)) {
      tokens.push({ t: "op", v: ch });
      i++;
      continue;
    }
    throw new ExpressionError(`unsupported character "${ch}" in "${src}" (${SUPPORTED})`);
  }
  tokens.push({ t: "end" });
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: TToken[],
    private readonly src: string,
  ) {}

  parse(): TNode {
    const node = this.parseOr();
    const rest = this.peek();
    if (rest.t !== "end") throw this.unsupported(rest);
    return node;
  }

  private peek(): TToken {
    return this.tokens[this.pos] ?? { t: "end" };
  }

  private next(): TToken {
    const tok = this.peek();
    this.pos++;
    return tok;
  }

  private isOp(v: string): boolean {
    const tok = this.peek();
    return tok.t === "op" && tok.v === v;
  }

  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new ExpressionError(`expected "${v}" in "${this.src}"`);
    this.pos++;
  }

  private unsupported(tok: TToken): ExpressionError {
    const shown = tok.t === "end" ? "end of expression" : `"${String(tok.v)}"`;
    return new ExpressionError(`unexpected ${shown} in "${this.src}" (${SUPPORTED})`);
  }

  private parseOr(): TNode {
    let left = this.parseAnd();
    while (this.isOp("||")) {
      this.pos++;
      left = { kind: "binary", op: "||", left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): TNode {
    let left = this.parseComparison();
    while (this.isOp("&&")) {
      this.pos++;
      left = { kind: "binary", op: "&&", left, right: this.parseComparison() };
    }
    return left;
  }

  private parseComparison(): TNode {
    const left = this.parseAdditive();
    const tok = this.peek();
    if (tok.t === "op" && ["==", "!=", "<", "<=", ">", ">="].includes(tok.v)) {
      this.pos++;
      return { kind: "binary", op: tok.v as TBinaryOp, left, right: this.parseAdditive() };
    }
    return left;
  }

  private parseAdditive(): TNode {
    let left = this.parseUnary();
    while (this.isOp("+") || this.isOp("-")) {
      const op = (this.next() as { v: string }).v as "+" | "-";
      left = { kind: "binary", op, left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): TNode {
    if (this.isOp("!") || this.isOp("-")) {
      const op = (this.next() as { v: string }).v as "!" | "-";
      return { kind: "unary", op, operand: this.parseUnary() };
    }
    return this.parsePostfix();
  }

  private parsePostfix(): TNode {
    let node = this.parsePrimary();
    for (;;) {
      if (this.isOp(".")) {
        this.pos++;
        const tok = this.next();
        if (tok.t !== "ident") throw this.unsupported(tok);
        if (this.isOp("("))
          throw new ExpressionError(
            `function calls like ".${tok.v}()" are not supported in "${this.src}" (${SUPPORTED})`,
          );
        node = { kind: "member", object: node, property: { kind: "literal", value: tok.v } };
      } else if (this.isOp("[")) {
        this.pos++;
        const property = this.parseOr();
        this.expectOp("]");
        node = { kind: "member", object: node, property };
      } else if (this.isOp("(")) {
        throw new ExpressionError(`function calls are not supported in "${this.src}" (${SUPPORTED})`);
      } else {
        return node;
      }
    }
  }

  private parsePrimary(): TNode {
    const tok = this.next();
    if (tok.t === "num" || tok.t === "str") return { kind: "literal", value: tok.v };
    if (tok.t === "ident") {
      if (tok.v === "true") return { kind: "literal", value: true };
      if (tok.v === "false") return { kind: "literal", value: false };
      if (tok.v === "null") return { kind: "literal", value: null };
      if (tok.v === "in")
        throw new ExpressionError(`the "in" operator is not supported in "${this.src}" (${SUPPORTED})`);
      return { kind: "ident", name: tok.v };
    }
    if (tok.t === "op" && tok.v === "(") {
      const inner = this.parseOr();
      this.expectOp(")");
      return inner;
    }
    throw this.unsupported(tok);
  }
}

/** A parsed expression, ready to evaluate many times. */
export interface TCompiledExpression {
  source: string;
  /** Boolean result; errors and non-boolean results count as "no match". */
  matches(vars: Record<string, unknown>): boolean;
  /** Value result for keys (concurrency, throttle, idempotency …); `undefined` on error. */
  value(vars: Record<string, unknown>): unknown;
}

/** CEL's error value; `unknown` below may hold it. */
const ERROR = Symbol("cel-error");
type TValue = unknown;

function collectIdents(node: TNode, out: Set<string>): void {
  switch (node.kind) {
    case "ident":
      out.add(node.name);
      return;
    case "member":
      collectIdents(node.object, out);
      collectIdents(node.property, out);
      return;
    case "unary":
      collectIdents(node.operand, out);
      return;
    case "binary":
      collectIdents(node.left, out);
      collectIdents(node.right, out);
      return;
    default:
      return;
  }
}

function sameType(a: unknown, b: unknown): boolean {
  if (a === null || b === null) return true;
  return typeof a === typeof b;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function evaluate(node: TNode, vars: Record<string, unknown>): TValue {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "ident":
      return Object.hasOwn(vars, node.name) ? vars[node.name] : ERROR;
    case "member": {
      const obj = evaluate(node.object, vars);
      const prop = evaluate(node.property, vars);
      if (obj === ERROR || prop === ERROR || typeof obj !== "object" || obj === null) return ERROR;
      if (Array.isArray(obj)) {
        return typeof prop === "number" && Number.isInteger(prop) && prop >= 0 && prop < obj.length
          ? obj[prop]
          : ERROR;
      }
      const key = String(prop);
      return Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : ERROR;
    }
    case "unary": {
      const v = evaluate(node.operand, vars);
      if (node.op === "!") return typeof v === "boolean" ? !v : ERROR;
      return typeof v === "number" ? -v : ERROR;
    }
    case "binary":
      return evaluateBinary(node, vars);
  }
}

function evaluateBinary(node: Extract<TNode, { kind: "binary" }>, vars: Record<string, unknown>): TValue {
  if (node.op === "&&" || node.op === "||") {
    const l = evaluate(node.left, vars);
    const r = evaluate(node.right, vars);
    const short = node.op === "&&" ? false : true;
    if (l === short || r === short) return short;
    if (typeof l !== "boolean" || typeof r !== "boolean") return ERROR;
    return !short;
  }
  const l = evaluate(node.left, vars);
  const r = evaluate(node.right, vars);
  if (l === ERROR || r === ERROR) return ERROR;
  switch (node.op) {
    case "==":
      return sameType(l, r) ? deepEqual(l, r) : ERROR;
    case "!=":
      return sameType(l, r) ? !deepEqual(l, r) : ERROR;
    case "+":
      if (typeof l === "number" && typeof r === "number") return l + r;
      if (typeof l === "string" && typeof r === "string") return l + r;
      return ERROR;
    case "-":
      return typeof l === "number" && typeof r === "number" ? l - r : ERROR;
    default: {
      const comparable =
        (typeof l === "number" && typeof r === "number") || (typeof l === "string" && typeof r === "string");
      if (!comparable) return ERROR;
      const a = l;
      const b = r;
      if (node.op === "<") return a < b;
      if (node.op === "<=") return a <= b;
      if (node.op === ">") return a > b;
      return a >= b;
    }
  }
}

const cache = new Map<string, TCompiledExpression>();

/**
 * Parses `source` and checks it only refers to the variables the context provides (e.g. `event`, or
 * `event` and `async` in cancel/wait expressions). Throws ExpressionError with a readable message.
 */
export function compileExpression(source: string, allowedRoots: readonly string[]): TCompiledExpression {
  const cacheKey = `${allowedRoots.join(",")}|${source}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const ast = new Parser(tokenize(source), source).parse();
  const idents = new Set<string>();
  collectIdents(ast, idents);
  for (const name of idents) {
    if (!allowedRoots.includes(name)) {
      throw new ExpressionError(
        `unknown variable "${name}" in "${source}"; available here: ${allowedRoots.join(", ")}`,
      );
    }
  }
  const compiled: TCompiledExpression = {
    source,
    matches: (vars) => evaluate(ast, vars) === true,
    value: (vars) => {
      const v = evaluate(ast, vars);
      return v === ERROR ? undefined : v;
    },
  };
  cache.set(cacheKey, compiled);
  return compiled;
}

/** A key expression's value as the string Inngest groups by (strings as-is, others as JSON). */
export function evaluateKey(expr: TCompiledExpression | undefined, vars: Record<string, unknown>): string {
  if (!expr) return "";
  const v = expr.value(vars);
  if (v === undefined) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}
