/**
 * `expand[]`: replaces an id with the object it names, following dotted paths (`payment_intent.latest_charge`)
 * and `data.` for lists. Only fields Stripe marks expandable can be expanded; anything else is refused
 * with Stripe's message, up to four levels deep.
 */
import { invalidParam } from "./errors";
import type { TJson, TStripeObject, TStripeState } from "./state";

/** Expandable fields per object type (a subset of Stripe's, covering the objects served here). */
const EXPANDABLE: Record<string, readonly string[]> = {
  customer: ["default_source", "test_clock"],
  price: ["product"],
  product: ["default_price"],
  "checkout.session": ["customer", "payment_intent", "invoice", "line_items"],
  payment_intent: ["customer", "latest_charge"],
  charge: ["customer", "payment_intent", "balance_transaction"],
  invoice: ["customer"],
  invoiceitem: ["customer", "invoice"],
  event: [],
};

export type TSpecialExpander = (obj: TStripeObject, field: string) => TJson | undefined;

export function expandObject(
  state: TStripeState,
  root: TJson,
  paths: readonly string[],
  special?: TSpecialExpander,
): TJson {
  const out = structuredClone(root);
  paths.forEach((path, index) => {
    const segments = path.split(".");
    if (segments.length > 4) {
      throw invalidParam(
        `expand[${index}]`,
        `You cannot expand more than 4 levels of a property. Property: ${path}`,
      );
    }
    expandAt(state, out, segments, path, index, special);
  });
  return out;
}

function expandAt(
  state: TStripeState,
  node: TJson,
  segments: string[],
  fullPath: string,
  index: number,
  special?: TSpecialExpander,
): void {
  if (!isObject(node)) return;
  const [head, ...rest] = segments;
  if (head === undefined) return;
  if (node.object === "list" || node.object === "search_result") {
    if (head !== "data") throw cannotExpand(fullPath, index);
    for (const item of (node.data as TJson[]) ?? []) expandAt(state, item, rest, fullPath, index, special);
    return;
  }
  const type = typeof node.object === "string" ? node.object : "";
  if (!(EXPANDABLE[type] ?? []).includes(head)) throw cannotExpand(fullPath, index);
  let value = node[head];
  if (typeof value === "string") {
    const found = special?.(node as TStripeObject, head) ?? present(state.findById(value));
    if (found !== undefined) node[head] = value = structuredClone(found);
  } else if (value === undefined) {
    const found = special?.(node as TStripeObject, head);
    if (found !== undefined) node[head] = value = found;
  }
  if (rest.length && value !== null && value !== undefined)
    expandAt(state, value, rest, fullPath, index, special);
}

/** A deleted object expands to Stripe's stub, `{ id, object, deleted: true }`. */
function present(obj: TStripeObject | undefined): TJson | undefined {
  if (obj?.deleted === true) return { id: obj.id, object: obj.object, deleted: true };
  return obj;
}

function cannotExpand(path: string, index: number) {
  return invalidParam(`expand[${index}]`, `This property cannot be expanded (${path}).`);
}

function isObject(v: TJson | undefined): v is { [key: string]: TJson } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
