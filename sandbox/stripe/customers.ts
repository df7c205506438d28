/**
 * Customers: create, retrieve, update, delete, list and search (https://docs.stripe.com/api/customers).
 */
import { pathParam, type TStripeCall, type TStripeRoute } from "./call";
import { invalidParam, resourceMissing } from "./errors";
import { expandObject } from "./expand";
import { generateId, randomToken } from "./ids";
import { diffPrevious, paginate, paginateSearch, readPageParams } from "./list";
import { applyMetadata, assertEmail, matchesRange, type ParamReader } from "./params";
import { matchesSearchQuery, parseSearchQuery } from "./search-query";
import type { TEventRequest, TJson, TStripeObject, TStripeState } from "./state";

const SEARCH_FIELDS = ["created", "email", "metadata", "name", "phone"] as const;

/** A deleted customer still answers retrieve, as this stub (Stripe keeps the id resolvable). */
export function presentCustomer(
  c: TStripeObject,
): TStripeObject | { id: string; object: "customer"; deleted: true } {
  return c.deleted === true ? { id: c.id, object: "customer", deleted: true } : c;
}

/** The live (not deleted) customer or Stripe's 404 naming the param that referenced it. */
export function requireCustomer(state: TStripeState, id: string, param = "id"): TStripeObject {
  const c = state.customers.get(id);
  if (!c || c.deleted === true) throw resourceMissing("customer", id, param);
  return c;
}

/** `address[...]` sets the address; `address=""` unsets it. */
function readAddress(p: ParamReader, key: string): TJson | undefined {
  if (!p.has(key)) return undefined;
  if (!p.isHash(key)) {
    if (p.emptyableString(key) === null) return null;
    throw invalidParam(key, `Invalid object: ${key}`);
  }
  const sub = p.object(key)!;
  const address = {
    city: sub.string("city") ?? null,
    country: sub.string("country") ?? null,
    line1: sub.string("line1") ?? null,
    line2: sub.string("line2") ?? null,
    postal_code: sub.string("postal_code") ?? null,
    state: sub.string("state") ?? null,
  };
  sub.done();
  return address;
}

/** Fields shared by create and update; returns only those the request set. */
function readCustomerFields(p: ParamReader): { [key: string]: TJson } {
  const fields: { [key: string]: TJson } = {};
  const setString = (key: string) => {
    const v = p.emptyableString(key);
    if (v !== undefined) fields[key] = v;
  };
  setString("email");
  setString("name");
  setString("phone");
  setString("description");
  assertEmail("email", fields.email as string | null | undefined);
  const address = readAddress(p, "address");
  if (address !== undefined) fields.address = address;
  const balance = p.integer("balance");
  if (balance !== undefined) fields.balance = balance;
  const locales = p.stringList("preferred_locales");
  if (locales !== undefined) fields.preferred_locales = locales;
  const taxExempt = p.oneOf("tax_exempt", ["exempt", "none", "reverse"] as const);
  if (taxExempt !== undefined) fields.tax_exempt = taxExempt;
  const prefix = p.string("invoice_prefix");
  if (prefix !== undefined) {
    if (!/^[A-Z0-9]{3,12}$/.test(prefix)) {
      throw invalidParam("invoice_prefix", "Invoice prefix must be 3–12 uppercase letters or numbers.");
    }
    fields.invoice_prefix = prefix;
  }
  return fields;
}

/** A new customer as Stripe returns it, stored and announced with `customer.created`. */
export function insertCustomer(
  state: TStripeState,
  fields: Record<string, TJson>,
  request: TEventRequest,
): TStripeObject {
  const customer: TStripeObject = {
    id: generateId("cus"),
    object: "customer",
    address: null,
    balance: 0,
    created: state.now(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: randomToken(8).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
    ...fields,
  };
  state.customers.insert(customer);
  state.recordEvent("customer.created", customer, request);
  return customer;
}

export function createCustomerRoutes(state: TStripeState): TStripeRoute[] {
  function create(call: TStripeCall) {
    const p = call.params;
    const fields = readCustomerFields(p);
    const metadata = applyMetadata({}, p.metadata());
    const expand = p.expand();
    p.done();
    const customer = insertCustomer(state, { metadata, ...fields }, call.request);
    return { body: expandObject(state, customer, expand) };
  }

  function retrieve(call: TStripeCall) {
    const id = pathParam(call, "customer");
    const expand = call.params.expand();
    call.params.done();
    const c = state.customers.get(id);
    if (!c) throw resourceMissing("customer", id);
    return { body: c.deleted === true ? presentCustomer(c) : expandObject(state, c, expand) };
  }

  function update(call: TStripeCall) {
    const customer = requireCustomer(state, pathParam(call, "customer"));
    const p = call.params;
    const fields = readCustomerFields(p);
    const metadataPatch = p.metadata();
    const expand = p.expand();
    p.done();
    const before = structuredClone(customer);
    Object.assign(customer, fields);
    customer.metadata = applyMetadata(customer.metadata as Record<string, string>, metadataPatch);
    const previous = diffPrevious(before, customer);
    // Stripe emits customer.updated only when something actually changed.
    if (previous) state.recordEvent("customer.updated", customer, call.request, previous);
    return { body: expandObject(state, customer, expand) };
  }

  function remove(call: TStripeCall) {
    const customer = requireCustomer(state, pathParam(call, "customer"));
    call.params.done();
    const snapshot = structuredClone(customer);
    customer.deleted = true;
    state.recordEvent("customer.deleted", snapshot, call.request);
    return { body: presentCustomer(customer) };
  }

  function list(call: TStripeCall) {
    const p = call.params;
    const email = p.string("email");
    const created = p.range("created");
    p.string("test_clock");
    const page = readPageParams(p);
    const expand = p.expand();
    p.done();
    const items = state.customers
      .list()
      .filter((c) => c.deleted !== true)
      .filter((c) => email === undefined || c.email === email)
      .filter((c) => matchesRange(c.created, created));
    return { body: expandObject(state, paginate(items, page, "/v1/customers", "customer"), expand) };
  }

  function search(call: TStripeCall) {
    const p = call.params;
    const query = parseSearchQuery(p.requiredString("query"), SEARCH_FIELDS, "customers");
    const expand = p.expand();
    const withTotal = expand.includes("total_count");
    const items = state.customers
      .list()
      .filter((c) => c.deleted !== true)
      .filter((c) => matchesSearchQuery(c, query));
    const result = paginateSearch(items, p, "/v1/customers/search", withTotal);
    p.done();
    return {
      body: expandObject(
        state,
        result,
        expand.filter((e) => e !== "total_count"),
      ),
    };
  }

  return [
    { method: "POST", path: "/v1/customers", handler: create },
    { method: "GET", path: "/v1/customers", handler: list },
    { method: "GET", path: "/v1/customers/search", handler: search },
    { method: "GET", path: "/v1/customers/:customer", handler: retrieve },
    { method: "POST", path: "/v1/customers/:customer", handler: update },
    { method: "DELETE", path: "/v1/customers/:customer", handler: remove },
  ];
}
