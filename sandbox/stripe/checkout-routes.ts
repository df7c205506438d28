/**
 * The Checkout Session endpoints over the model in ./checkout.
 */
import { pathParam, type TStripeCall, type TStripeRoute } from "./call";
import { createPrice, createProduct, readInlinePrice, requirePrice } from "./catalog";
import { requireCustomer } from "./customers";
import { invalidParam, invalidState, missingParam } from "./errors";
import { expandObject } from "./expand";
import { generateId, randomToken } from "./ids";
import { paginate, readPageParams } from "./list";
import { applyMetadata, assertEmail, matchesRange } from "./params";
import { asText, type TChildObject, type TJson, type TStripeObject, type TStripeState } from "./state";
import { SESSION_LIFETIME_SECONDS, expireIfDue, publicSession, requireSession } from "./checkout";

/** `hostedPageBase()` is read per session: the server's URL is known only once it listens. */
export function createCheckoutRoutes(state: TStripeState, hostedPageBase: () => string): TStripeRoute[] {
  function readLineItems(call: TStripeCall): TChildObject[] {
    const list = call.params.objectList("line_items");
    if (!list || list.length === 0) throw missingParam("line_items");
    return list.map((li, i) => {
      const priceId = li.string("price");
      const priceData = li.object("price_data");
      const quantity = li.integer("quantity", { min: 1 });
      li.object("adjustable_quantity")?.done();
      li.stringList("tax_rates");
      li.done();
      if (quantity === undefined) throw missingParam(`line_items[${i}][quantity]`);
      let price: TStripeObject;
      if (priceId) price = requirePrice(state, priceId, `line_items[${i}][price]`);
      else if (priceData) {
        const inline = readInlinePrice(priceData);
        let productId = inline.product;
        if (!productId && inline.productName)
          productId = createProduct(state, { name: inline.productName }, call.request).id;
        if (!productId) throw missingParam(`line_items[${i}][price_data][product]`);
        price = createPrice(
          state,
          { currency: inline.currency, unit_amount: inline.unit_amount, product: productId, active: false },
          call.request,
        );
      } else throw missingParam(`line_items[${i}][price]`);
      if (price.type === "recurring") {
        throw invalidParam(
          `line_items[${i}][price]`,
          "You must be in `subscription` mode to use recurring prices.",
        );
      }
      const product = state.products.get(price.product as string);
      const amount = (price.unit_amount as number) * quantity;
      return {
        id: `li_${randomToken(24)}`,
        object: "item",
        amount_discount: 0,
        amount_subtotal: amount,
        amount_tax: 0,
        amount_total: amount,
        currency: price.currency as string,
        description: (product?.name as string | undefined) ?? null,
        price: structuredClone(price),
        quantity,
      };
    });
  }

  function create(call: TStripeCall) {
    const p = call.params;
    const mode = p.oneOf("mode", ["payment", "setup", "subscription"] as const);
    if (!mode) throw missingParam("mode");
    if (mode !== "payment")
      throw invalidParam("mode", `This sandbox supports Checkout in payment mode only (got ${mode}).`);
    const items = readLineItems(call);
    const customer = p.string("customer");
    const customerEmail = p.string("customer_email");
    const customerCreation = p.oneOf("customer_creation", ["always", "if_required"] as const);
    const clientReferenceId = p.string("client_reference_id");
    const successUrl = p.string("success_url");
    const cancelUrl = p.string("cancel_url");
    const metadata = applyMetadata({}, p.metadata());
    const expiresAt = p.integer("expires_at");
    const piDataIn = p.object("payment_intent_data");
    const piData: { [key: string]: TJson } = {};
    if (piDataIn) {
      piData.metadata = applyMetadata({}, piDataIn.metadata());
      const d = piDataIn.string("description");
      if (d !== undefined) piData.description = d;
      piDataIn.done();
    }
    const invoiceIn = p.object("invoice_creation");
    let invoiceCreation: { enabled: boolean; invoice_data: { [key: string]: TJson } } = {
      enabled: false,
      invoice_data: {
        account_tax_ids: null,
        custom_fields: null,
        description: null,
        footer: null,
        issuer: null,
        metadata: {},
        rendering_options: null,
      },
    };
    if (invoiceIn) {
      const enabled = invoiceIn.boolean("enabled");
      if (enabled === undefined) throw missingParam("invoice_creation[enabled]");
      const data = invoiceIn.object("invoice_data");
      const description = data?.string("description") ?? null;
      const md = applyMetadata({}, data?.metadata());
      data?.done();
      invoiceIn.done();
      invoiceCreation = {
        enabled,
        invoice_data: { ...invoiceCreation.invoice_data, description, metadata: md },
      };
    }
    p.stringList("payment_method_types");
    p.string("locale");
    p.oneOf("ui_mode", ["hosted"] as const);
    p.oneOf("billing_address_collection", ["auto", "required"] as const);
    const expand = p.expand();
    p.done();
    if (customer && customerEmail) {
      throw invalidParam(
        "customer_email",
        "You may only specify one of these parameters: customer, customer_email.",
      );
    }
    if (customer) requireCustomer(state, customer, "customer");
    assertEmail("customer_email", customerEmail);
    const currencies = new Set(items.map((i) => i.currency));
    if (currencies.size > 1) throw invalidParam("line_items", "All line items must use the same currency.");
    const created = state.now();
    if (
      expiresAt !== undefined &&
      (expiresAt < created + 1800 || expiresAt > created + SESSION_LIFETIME_SECONDS)
    ) {
      throw invalidParam(
        "expires_at",
        "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
      );
    }
    const total = items.reduce((sum, i) => sum + (i.amount_total as number), 0);
    const id = generateId("cs_test");
    const session: TStripeObject = {
      id,
      object: "checkout.session",
      adaptive_pricing: null,
      after_expiration: null,
      allow_promotion_codes: null,
      amount_subtotal: total,
      amount_total: total,
      automatic_tax: { enabled: false, liability: null, provider: null, status: null },
      billing_address_collection: null,
      cancel_url: cancelUrl ?? null,
      client_reference_id: clientReferenceId ?? null,
      client_secret: null,
      consent: null,
      created,
      currency: [...currencies][0] ?? "usd",
      custom_fields: [],
      customer: customer ?? null,
      customer_creation: customer ? null : (customerCreation ?? "if_required"),
      customer_details: customerEmail
        ? { address: null, email: customerEmail, name: null, phone: null, tax_exempt: "none", tax_ids: null }
        : null,
      customer_email: customerEmail ?? null,
      expires_at: expiresAt ?? created + SESSION_LIFETIME_SECONDS,
      invoice: null,
      invoice_creation: invoiceCreation,
      livemode: false,
      locale: null,
      metadata,
      mode,
      payment_intent: null,
      payment_link: null,
      payment_method_collection: "if_required",
      payment_method_types: ["card"],
      payment_status: "unpaid",
      status: "open",
      success_url: successUrl ?? null,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: "hosted",
      url: `${hostedPageBase()}/${id}`,
      __payment_intent_data: piData,
    };
    state.checkoutSessions.insert(session);
    state.lineItems.set(id, items);
    return { body: render(session, expand) };
  }

  function render(session: TStripeObject, expand: string[]): TJson {
    return expandObject(state, publicSession(session), expand, (obj, field) => {
      if (field !== "line_items") return undefined;
      const items = state.lineItems.get(obj.id) ?? [];
      return {
        object: "list",
        data: structuredClone(items),
        has_more: false,
        url: `/v1/checkout/sessions/${obj.id}/line_items`,
      };
    });
  }

  function retrieve(call: TStripeCall) {
    const expand = call.params.expand();
    call.params.done();
    return { body: render(requireSession(state, pathParam(call, "session")), expand) };
  }

  function expire(call: TStripeCall) {
    const session = requireSession(state, pathParam(call, "session"));
    const expand = call.params.expand();
    call.params.done();
    if (session.status !== "open") {
      throw invalidState(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${asText(session.status)}".`,
      );
    }
    session.status = "expired";
    state.recordEvent("checkout.session.expired", publicSession(session), call.request);
    return { body: render(session, expand) };
  }

  function list(call: TStripeCall) {
    const p = call.params;
    const customer = p.string("customer");
    const paymentIntent = p.string("payment_intent");
    const status = p.oneOf("status", ["open", "complete", "expired"] as const);
    const created = p.range("created");
    const page = readPageParams(p);
    const expand = p.expand();
    p.done();
    const items = state.checkoutSessions
      .list()
      .map((s) => (expireIfDue(state, s), s))
      .filter((s) => customer === undefined || s.customer === customer)
      .filter((s) => paymentIntent === undefined || s.payment_intent === paymentIntent)
      .filter((s) => status === undefined || s.status === status)
      .filter((s) => matchesRange(s.created, created))
      .map(publicSession);
    return {
      body: expandObject(state, paginate(items, page, "/v1/checkout/sessions", "checkout.session"), expand),
    };
  }

  function lineItems(call: TStripeCall) {
    const session = requireSession(state, pathParam(call, "session"));
    const p = call.params;
    const page = readPageParams(p);
    const expand = p.expand();
    p.done();
    const items = state.lineItems.get(session.id) ?? [];
    return {
      body: expandObject(
        state,
        paginate(items, page, `/v1/checkout/sessions/${session.id}/line_items`, "line item"),
        expand,
      ),
    };
  }

  return [
    { method: "POST", path: "/v1/checkout/sessions", handler: create },
    { method: "GET", path: "/v1/checkout/sessions", handler: list },
    { method: "GET", path: "/v1/checkout/sessions/:session", handler: retrieve },
    { method: "GET", path: "/v1/checkout/sessions/:session/line_items", handler: lineItems },
    { method: "POST", path: "/v1/checkout/sessions/:session/expire", handler: expire },
  ];
}
