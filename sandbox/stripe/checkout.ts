/**
 * Checkout Sessions in `payment` mode (https://docs.stripe.com/api/checkout/sessions). A real buyer pays
 * on Stripe's hosted page; here `completeCheckoutSession` (a sandbox control call) plays that buyer:
 * it creates the customer when needed, the payment intent and charge, the paid invoice when
 * `invoice_creation[enabled]`, and emits the events in Stripe's order.
 */
import { pathParam, type TStripeCall, type TStripeRoute } from "./call";
import { createPrice, createProduct, readInlinePrice, requirePrice } from "./catalog";
import { requireCustomer } from "./customers";
import { invalidParam, invalidState, missingParam, resourceMissing } from "./errors";
import { expandObject } from "./expand";
import { generateId, randomToken } from "./ids";
import { paginate, readPageParams } from "./list";
import { applyMetadata, assertEmail, matchesRange } from "./params";
import { confirmPaymentIntent, createPaymentIntent } from "./payments";
import { createDraftInvoice, finalizeInvoice, markInvoicePaid } from "./invoices";
import {
  asText,
  type TChildObject,
  type TEventRequest,
  type TJson,
  type TStripeObject,
  type TStripeState,
} from "./state";

const SESSION_LIFETIME_SECONDS = 24 * 3600;

export function requireSession(state: TStripeState, id: string, param = "session"): TStripeObject {
  const s = state.checkoutSessions.get(id);
  if (!s) throw resourceMissing("checkout.session", id, param);
  expireIfDue(state, s);
  return s;
}

/** Sessions expire lazily, when next read, as no clock runs in the sandbox. */
function expireIfDue(state: TStripeState, s: TStripeObject): void {
  if (s.status === "open" && state.now() >= (s.expires_at as number)) {
    s.status = "expired";
    state.recordEvent("checkout.session.expired", publicSession(s), { id: null, idempotency_key: null });
  }
}

export type TCompleteInput = { email?: string; name?: string; paymentMethod?: string };

export function completeCheckoutSession(
  state: TStripeState,
  sessionId: string,
  input: TCompleteInput = {},
): TStripeObject {
  const session = requireSession(state, sessionId);
  if (session.status !== "open")
    throw invalidState(`This Checkout Session is ${asText(session.status)} and can no longer be paid.`);
  // Stripe's own processing, not an API call: events carry no request id.
  const request: TEventRequest = { id: null, idempotency_key: null };
  const items = state.lineItems.get(session.id) ?? [];
  let customerId = session.customer as string | null;
  const email = input.email ?? (session.customer_email as string | null) ?? null;
  const name = input.name ?? null;
  const invoiceCreation = session.invoice_creation as {
    enabled: boolean;
    invoice_data: { [key: string]: TJson };
  };
  if (!customerId && (session.customer_creation === "always" || invoiceCreation.enabled)) {
    const created = state.now();
    const customer: TStripeObject = {
      id: generateId("cus"),
      object: "customer",
      address: null,
      balance: 0,
      created,
      currency: null,
      default_source: null,
      delinquent: false,
      description: null,
      discount: null,
      email,
      invoice_prefix: randomToken(8).toUpperCase(),
      invoice_settings: {
        custom_fields: null,
        default_payment_method: null,
        footer: null,
        rendering_options: null,
      },
      livemode: false,
      metadata: {},
      name,
      next_invoice_sequence: 1,
      phone: null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: "none",
      test_clock: null,
    };
    state.customers.insert(customer);
    state.recordEvent("customer.created", customer, request);
    customerId = customer.id;
  }
  const customer = customerId ? state.customers.get(customerId) : undefined;
  const piData = session.__payment_intent_data as
    { metadata?: Record<string, string>; description?: string } | undefined;
  const pi = createPaymentIntent(
    state,
    {
      amount: session.amount_total as number,
      currency: session.currency as string,
      customer: customerId,
      description: piData?.description ?? null,
      metadata: piData?.metadata ?? {},
      receipt_email: email,
    },
    request,
  );
  confirmPaymentIntent(state, pi, input.paymentMethod ?? "pm_card_visa", request);
  if (invoiceCreation.enabled && customer) {
    const inv = createDraftInvoice(
      state,
      {
        customer,
        currency: session.currency as string,
        description: (invoiceCreation.invoice_data.description as string | null) ?? null,
        metadata: (invoiceCreation.invoice_data.metadata as Record<string, string> | null) ?? {},
      },
      request,
      items.map((li) => {
        const price = li.price as { id: string; product: string; unit_amount: number };
        return {
          amount: li.amount_total as number,
          currency: li.currency as string,
          description: li.description as string | null,
          quantity: li.quantity as number,
          price: price.id,
          product: price.product,
          unitAmount: price.unit_amount,
        };
      }),
    );
    finalizeInvoice(state, inv, request);
    markInvoicePaid(state, inv, request);
    session.invoice = inv.id;
  }
  session.status = "complete";
  session.payment_status = "paid";
  session.payment_intent = pi.id;
  session.customer = customerId;
  session.customer_details = {
    address: null,
    email: email ?? (customer?.email as string | null | undefined) ?? null,
    name: name ?? (customer?.name as string | null | undefined) ?? null,
    phone: null,
    tax_exempt: "none",
    tax_ids: [],
  };
  state.recordEvent("checkout.session.completed", publicSession(session), request);
  return session;
}

/** Drops the fields this sandbox keeps for itself (prefixed `__`) from what clients see. */
export function publicSession(s: TStripeObject): TStripeObject {
  const out: TStripeObject = { ...s };
  for (const key of Object.keys(out)) if (key.startsWith("__")) delete out[key];
  return out;
}

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
