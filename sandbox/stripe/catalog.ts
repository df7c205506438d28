/**
 * Products and prices (https://docs.stripe.com/api/products, /api/prices): what a checkout line item or
 * invoice item points at.
 */
import { pathParam, type TStripeCall, type TStripeRoute } from "./call";
import { StripeApiError, invalidParam, invalidState, missingParam, resourceMissing } from "./errors";
import { expandObject } from "./expand";
import { generateId } from "./ids";
import { diffPrevious, paginate, readPageParams } from "./list";
import { applyMetadata, matchesRange, type ParamReader } from "./params";
import { asText, type TEventRequest, type TJson, type TStripeObject, type TStripeState } from "./state";

export function requireProduct(state: TStripeState, id: string, param = "id"): TStripeObject {
  const p = state.products.get(id);
  if (!p || p.deleted === true) throw resourceMissing("product", id, param);
  return p;
}

export function requirePrice(state: TStripeState, id: string, param = "id"): TStripeObject {
  const p = state.prices.get(id);
  if (!p) throw resourceMissing("price", id, param);
  return p;
}

export function createProduct(
  state: TStripeState,
  fields: { name: string; id?: string; [key: string]: TJson | undefined },
  request: TEventRequest,
): TStripeObject {
  const id = fields.id ?? generateId("prod");
  if (state.products.get(id)) {
    throw new StripeApiError(400, {
      type: "invalid_request_error",
      code: "resource_already_exists",
      message: "Product already exists.",
      param: "id",
    });
  }
  const now = state.now();
  const product: TStripeObject = {
    id,
    object: "product",
    active: true,
    created: now,
    default_price: null,
    description: null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: {},
    name: fields.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    unit_label: null,
    updated: now,
    url: null,
  };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) product[k] = v;
  state.products.insert(product);
  state.recordEvent("product.created", product, request);
  return product;
}

/** `price_data` / `default_price_data` hashes: an inline one-time price for an existing product. */
export function readInlinePrice(sub: ParamReader): {
  currency: string;
  unit_amount: number;
  product?: string;
  productName?: string;
} {
  const currency = sub.currency("currency");
  if (!currency) throw missingParam(`${sub.prefixName("currency")}`);
  const unitAmount = sub.integer("unit_amount", { min: 0 });
  if (unitAmount === undefined) throw missingParam(sub.prefixName("unit_amount"));
  const product = sub.string("product");
  const productData = sub.object("product_data");
  let productName: string | undefined;
  if (productData) {
    productName = productData.requiredString("name");
    productData.string("description");
    productData.metadata();
    productData.done();
  }
  sub.oneOf("tax_behavior", ["exclusive", "inclusive", "unspecified"] as const);
  sub.done();
  return { currency, unit_amount: unitAmount, product, productName };
}

export function createPrice(
  state: TStripeState,
  fields: {
    currency: string;
    unit_amount: number;
    product: string;
    recurring?: TJson;
    metadata?: Record<string, string>;
    nickname?: string | null;
    lookup_key?: string | null;
    active?: boolean;
  },
  request: TEventRequest,
): TStripeObject {
  const price: TStripeObject = {
    id: generateId("price"),
    object: "price",
    active: fields.active ?? true,
    billing_scheme: "per_unit",
    created: state.now(),
    currency: fields.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: fields.lookup_key ?? null,
    metadata: fields.metadata ?? {},
    nickname: fields.nickname ?? null,
    product: fields.product,
    recurring: fields.recurring ?? null,
    tax_behavior: "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: fields.recurring ? "recurring" : "one_time",
    unit_amount: fields.unit_amount,
    unit_amount_decimal: String(fields.unit_amount),
  };
  state.prices.insert(price);
  state.recordEvent("price.created", price, request);
  return price;
}

export function createCatalogRoutes(state: TStripeState): TStripeRoute[] {
  function readProductFields(p: ParamReader): { [key: string]: TJson } {
    const f: { [key: string]: TJson } = {};
    const name = p.string("name");
    if (name !== undefined) f.name = name;
    const active = p.boolean("active");
    if (active !== undefined) f.active = active;
    for (const key of ["description", "statement_descriptor", "unit_label", "url", "tax_code"]) {
      const v = p.emptyableString(key);
      if (v !== undefined) f[key] = v;
    }
    const images = p.stringList("images");
    if (images !== undefined) f.images = images;
    const shippable = p.boolean("shippable");
    if (shippable !== undefined) f.shippable = shippable;
    return f;
  }

  function createProductHandler(call: TStripeCall) {
    const p = call.params;
    const name = p.requiredString("name");
    const id = p.string("id");
    const fields = readProductFields(p);
    const metadata = applyMetadata({}, p.metadata());
    const defaultPriceData = p.object("default_price_data");
    const inline = defaultPriceData ? readInlinePrice(defaultPriceData) : undefined;
    const expand = p.expand();
    p.done();
    const product = createProduct(state, { ...fields, name, id, metadata }, call.request);
    if (inline) {
      const price = createPrice(
        state,
        { currency: inline.currency, unit_amount: inline.unit_amount, product: product.id },
        call.request,
      );
      product.default_price = price.id;
    }
    return { body: expandObject(state, product, expand) };
  }

  function updateProduct(call: TStripeCall) {
    const product = requireProduct(state, pathParam(call, "product"));
    const p = call.params;
    const fields = readProductFields(p);
    const metadata = p.metadata();
    const defaultPrice = p.string("default_price");
    const expand = p.expand();
    p.done();
    if (defaultPrice !== undefined) {
      const price = requirePrice(state, defaultPrice, "default_price");
      if (price.product !== product.id)
        throw invalidParam("default_price", "The default price must belong to this product.");
      fields.default_price = defaultPrice;
    }
    const before = structuredClone(product);
    Object.assign(product, fields);
    product.metadata = applyMetadata(product.metadata as Record<string, string>, metadata);
    const previous = diffPrevious(before, product);
    if (previous) {
      product.updated = state.now();
      state.recordEvent("product.updated", product, call.request, previous);
    }
    return { body: expandObject(state, product, expand) };
  }

  function deleteProduct(call: TStripeCall) {
    const product = requireProduct(state, pathParam(call, "product"));
    call.params.done();
    if (state.prices.list().some((pr) => pr.product === product.id)) {
      throw invalidState("This product cannot be deleted because it has one or more user-created prices.");
    }
    const snapshot = structuredClone(product);
    product.deleted = true;
    state.recordEvent("product.deleted", snapshot, call.request);
    return { body: { id: product.id, object: "product", deleted: true } };
  }

  function createPriceHandler(call: TStripeCall) {
    const p = call.params;
    const currency = p.currency("currency");
    if (!currency) throw missingParam("currency");
    const unitAmount = p.integer("unit_amount", { min: 0 });
    let product = p.string("product");
    const productData = p.object("product_data");
    const recurringIn = p.object("recurring");
    let recurring: TJson | undefined;
    if (recurringIn) {
      const interval = recurringIn.oneOf("interval", ["day", "week", "month", "year"] as const);
      if (!interval) throw missingParam("recurring[interval]");
      recurring = {
        interval,
        interval_count: recurringIn.integer("interval_count", { min: 1 }) ?? 1,
        meter: null,
        trial_period_days: null,
        usage_type: recurringIn.oneOf("usage_type", ["licensed", "metered"] as const) ?? "licensed",
      };
      recurringIn.done();
    }
    const metadata = applyMetadata({}, p.metadata());
    const nickname = p.string("nickname");
    const lookupKey = p.string("lookup_key");
    const active = p.boolean("active");
    p.oneOf("tax_behavior", ["exclusive", "inclusive", "unspecified"] as const);
    const expand = p.expand();
    p.done();
    if (unitAmount === undefined) throw missingParam("unit_amount");
    if (productData) {
      const name = productData.requiredString("name");
      const md = applyMetadata({}, productData.metadata());
      productData.done();
      product = createProduct(state, { name, metadata: md }, call.request).id;
    } else if (product) requireProduct(state, product, "product");
    else throw missingParam("product");
    const price = createPrice(
      state,
      {
        currency,
        unit_amount: unitAmount,
        product,
        recurring,
        metadata,
        nickname,
        lookup_key: lookupKey,
        active,
      },
      call.request,
    );
    return { body: expandObject(state, price, expand) };
  }

  function updatePrice(call: TStripeCall) {
    const price = requirePrice(state, pathParam(call, "price"));
    const p = call.params;
    const active = p.boolean("active");
    const nickname = p.emptyableString("nickname");
    const lookupKey = p.emptyableString("lookup_key");
    const metadata = p.metadata();
    const expand = p.expand();
    p.done();
    const before = structuredClone(price);
    if (active !== undefined) price.active = active;
    if (nickname !== undefined) price.nickname = nickname;
    if (lookupKey !== undefined) price.lookup_key = lookupKey;
    price.metadata = applyMetadata(price.metadata as Record<string, string>, metadata);
    const previous = diffPrevious(before, price);
    if (previous) state.recordEvent("price.updated", price, call.request, previous);
    return { body: expandObject(state, price, expand) };
  }

  function listProducts(call: TStripeCall) {
    const p = call.params;
    const active = p.boolean("active");
    const ids = p.stringList("ids");
    const created = p.range("created");
    const page = readPageParams(p);
    const expand = p.expand();
    p.done();
    const items = state.products
      .list()
      .filter((x) => x.deleted !== true)
      .filter((x) => active === undefined || x.active === active)
      .filter((x) => !ids || ids.includes(x.id))
      .filter((x) => matchesRange(x.created, created));
    return { body: expandObject(state, paginate(items, page, "/v1/products", "product"), expand) };
  }

  function listPrices(call: TStripeCall) {
    const p = call.params;
    const active = p.boolean("active");
    const product = p.string("product");
    const currency = p.currency("currency");
    const type = p.oneOf("type", ["one_time", "recurring"] as const);
    const lookupKeys = p.stringList("lookup_keys");
    const created = p.range("created");
    const page = readPageParams(p);
    const expand = p.expand();
    p.done();
    const items = state.prices
      .list()
      .filter((x) => active === undefined || x.active === active)
      .filter((x) => product === undefined || x.product === product)
      .filter((x) => currency === undefined || x.currency === currency)
      .filter((x) => type === undefined || x.type === type)
      .filter((x) => !lookupKeys || lookupKeys.includes(asText(x.lookup_key)))
      .filter((x) => matchesRange(x.created, created));
    return { body: expandObject(state, paginate(items, page, "/v1/prices", "price"), expand) };
  }

  function retrieve(kind: "product" | "price") {
    return (call: TStripeCall) => {
      const id = pathParam(call, kind);
      const expand = call.params.expand();
      call.params.done();
      if (kind === "product") {
        const product = state.products.get(id);
        if (!product) throw resourceMissing("product", id);
        if (product.deleted === true) return { body: { id, object: "product", deleted: true } };
        return { body: expandObject(state, product, expand) };
      }
      return { body: expandObject(state, requirePrice(state, id), expand) };
    };
  }

  return [
    { method: "POST", path: "/v1/products", handler: createProductHandler },
    { method: "GET", path: "/v1/products", handler: listProducts },
    { method: "GET", path: "/v1/products/:product", handler: retrieve("product") },
    { method: "POST", path: "/v1/products/:product", handler: updateProduct },
    { method: "DELETE", path: "/v1/products/:product", handler: deleteProduct },
    { method: "POST", path: "/v1/prices", handler: createPriceHandler },
    { method: "GET", path: "/v1/prices", handler: listPrices },
    { method: "GET", path: "/v1/prices/:price", handler: retrieve("price") },
    { method: "POST", path: "/v1/prices/:price", handler: updatePrice },
  ];
}
