/**
 * A subset of Stripe's Search Query Language (https://docs.stripe.com/search#search-query-language):
 *   clause  := ["-"] field op value
 *   field   := name | metadata['key'] | metadata["key"]
 *   op      := ":" exact (case-insensitive) | "~" substring (≥ 3 chars) | ">" | "<" | ">=" | "<=" (numbers)
 *   value   := 'text' | "text" | integer | null
 *   query   := clause ((AND | OR) clause)*   — AND and OR cannot be mixed, at most 10 clauses
 */
import { invalidParam } from "./errors";
import type { TJson, TStripeObject } from "./state";

export type TClause = {
  negated: boolean;
  field: string;
  metadataKey?: string;
  op: ":" | "~" | ">" | "<" | ">=" | "<=";
  value: string | number | null;
};

export type TSearchQuery = { clauses: TClause[]; combinator: "AND" | "OR" };

function malformed(detail: string) {
  return invalidParam(
    "query",
    `We were unable to parse your search query. ${detail} See https://stripe.com/docs/search#search-query-language for the search syntax.`,
  );
}

export function parseSearchQuery(
  input: string,
  allowedFields: readonly string[],
  resource: string,
): TSearchQuery {
  let i = 0;
  const s = input;
  const skipSpace = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const clauses: TClause[] = [];
  let combinator: "AND" | "OR" | undefined;

  const readQuoted = (): string => {
    const quote = s[i]!;
    i++;
    let out = "";
    while (i < s.length && s[i] !== quote) {
      if (s[i] === "\\" && i + 1 < s.length) i++;
      out += s[i];
      i++;
    }
    if (s[i] !== quote) throw malformed("A quoted value is not terminated.");
    i++;
    return out;
  };

  const readClause = (): TClause => {
    skipSpace();
    const negated = s[i] === "-";
    if (negated) i++;
    const nameMatch = /^[a-z_][a-z0-9_.]*/i.exec(s.slice(i));
    if (!nameMatch) throw malformed(`Expected a field at position ${i}.`);
    const field = nameMatch[0];
    i += field.length;
    let metadataKey: string | undefined;
    if (s[i] === "[") {
      i++;
      if (s[i] !== "'" && s[i] !== '"')
        throw malformed("Metadata keys must be quoted, e.g. metadata['key'].");
      metadataKey = readQuoted();
      if (s[i] !== "]") throw malformed("Expected ] after a metadata key.");
      i++;
    }
    const root = field.split(".")[0]!;
    if (!allowedFields.includes(root) || (root === "metadata") !== (metadataKey !== undefined)) {
      throw invalidParam(
        "query",
        `Field \`${field}\` is an unsupported search field for resource \`${resource}\`. See https://stripe.com/docs/search#query-fields-for-${resource} for a list of supported fields.`,
      );
    }
    const opMatch = /^(>=|<=|:|~|>|<)/.exec(s.slice(i));
    if (!opMatch) throw malformed(`Expected an operator after \`${field}\`.`);
    const op = opMatch[0] as TClause["op"];
    i += op.length;
    let value: TClause["value"];
    if (s[i] === "'" || s[i] === '"') value = readQuoted();
    else {
      const lit = /^(-?\d+|null)\b/.exec(s.slice(i));
      if (!lit) throw malformed(`Values must be quoted strings, integers or null (after \`${field}${op}\`).`);
      value = lit[0] === "null" ? null : Number(lit[0]);
      i += lit[0].length;
    }
    if (op === "~" && (typeof value !== "string" || value.length < 3)) {
      throw malformed("The ~ operator needs a quoted value of at least 3 characters.");
    }
    if ((op === ">" || op === "<" || op === ">=" || op === "<=") && typeof value !== "number") {
      throw malformed("Comparison operators need an integer value.");
    }
    return { negated, field: root, metadataKey, op, value };
  };

  clauses.push(readClause());
  for (;;) {
    skipSpace();
    if (i >= s.length) break;
    const word = /^(AND|OR)\s/.exec(s.slice(i));
    if (!word) throw malformed(`Unexpected input at position ${i}; clauses are joined with AND or OR.`);
    const next = word[1] as "AND" | "OR";
    if (combinator && combinator !== next) throw malformed("AND and OR cannot be combined in one query.");
    combinator = next;
    i += next.length;
    clauses.push(readClause());
  }
  if (clauses.length > 10) throw malformed("A query can have at most 10 clauses.");
  return { clauses, combinator: combinator ?? "AND" };
}

function valueOf(obj: TStripeObject, clause: TClause): TJson | undefined {
  if (clause.metadataKey !== undefined) {
    const md = obj.metadata;
    return md && typeof md === "object" && !Array.isArray(md) ? md[clause.metadataKey] : undefined;
  }
  return obj[clause.field];
}

function matchesClause(obj: TStripeObject, clause: TClause): boolean {
  const actual = valueOf(obj, clause);
  let hit: boolean;
  if (clause.value === null) hit = actual === null || actual === undefined;
  else if (typeof clause.value === "number") {
    const n = typeof actual === "number" ? actual : Number.NaN;
    hit =
      clause.op === ":"
        ? n === clause.value
        : clause.op === ">"
          ? n > clause.value
          : clause.op === "<"
            ? n < clause.value
            : clause.op === ">="
              ? n >= clause.value
              : clause.op === "<="
                ? n <= clause.value
                : false;
  } else {
    const text =
      typeof actual === "string" ? actual.toLowerCase() : typeof actual === "number" ? String(actual) : null;
    const wanted = clause.value.toLowerCase();
    hit = text !== null && (clause.op === "~" ? text.includes(wanted) : text === wanted);
  }
  return clause.negated ? !hit : hit;
}

export function matchesSearchQuery(obj: TStripeObject, query: TSearchQuery): boolean {
  return query.combinator === "AND"
    ? query.clauses.every((c) => matchesClause(obj, c))
    : query.clauses.some((c) => matchesClause(obj, c));
}
