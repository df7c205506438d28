/**
 * Invoice items and one-off invoices (https://docs.stripe.com/api/invoices), as far as a purchase needs:
 * draft → finalize → pay (charging a test payment method or out of band), with `invoice.paid` carrying
 * lines, `amount_paid`, `currency` and `customer`. Shapes follow the current API (line `pricing`/`parent`,
 * no `invoice.charge`).
 */
import { pathParam, type TStripeCall, type TStripeRoute } from "./call";
import { requirePrice } from "./catalog";
import { requireCustomer } from "./customers";
import { StripeApiError, invalidParam, invalidState, missingParam, resourceMissing } from "./errors";
import { expandObject } from "./expand";
import { generateId } from "./ids";
import { paginate, readPageParams } from "./list";
import { applyMetadata, matchesRange } from "./params";
import { confirmPaymentIntent, createPaymentIntent } from "./payments";
import {
  asText,
  type TChildObject,
  type TEventRequest,
  type TJson,
  type TStripeObject,
  type TStripeState,
} from "./state";

export type TLineInput = {
  amount: number;
  currency: string;
  description: string | null;
  quantity: number;
  price: string | null;
  product: string | null;
  unitAmount: number;
  metadata?: Record<string, string>;
  invoiceItem?: string;
};

export function requireInvoice(state: TStripeState, id: string, param = "invoice"): TStripeObject {
  const inv = state.invoices.get(id);
  if (!inv) throw resourceMissing("invoice", id, param);
  return inv;
}

function buildLine(state: TStripeState, invoiceId: string, input: TLineInput): TChildObject {
  const now = state.now();
  return {
    id: input.invoiceItem ? `il_${input.invoiceItem.slice(3)}` : generateId("il"),
    object: "line_item",
    amount: input.amount,
    currency: input.currency,
    description: input.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: input.metadata ?? {},
    parent: input.invoiceItem
      ? {
          invoice_item_details: {
            invoice_item: input.invoiceItem,
            proration: false,
            proration_details: { credited_items: null },
            subscription: null,
          },
          subscription_item_details: null,
          type: "invoice_item_details",
        }
      : null,
    period: { end: now, start: now },
    pretax_credit_amounts: [],
    pricing: input.price
      ? {
          price_details: { price: input.price, product: input.product ?? "" },
          type: "price_details",
          unit_amount_decimal: String(input.unitAmount),
        }
      : null,
    quantity: input.quantity,
    subtotal: input.amount,
    taxes: [],
  };
}

/** Keeps the stored invoice JSON (embedded first ten lines, totals) in step with its lines. */
function syncInvoice(state: TStripeState, inv: TStripeObject): void {
  const lines = state.lineItems.get(inv.id) ?? [];
  const total = lines.reduce((sum, l) => sum + (l.amount as number), 0);
  inv.lines = {
    object: "list",
    data: structuredClone(lines.slice(0, 10)),
    has_more: lines.length > 10,
    total_count: lines.length,
    url: `/v1/invoices/${inv.id}/lines`,
  };
  inv.subtotal = total;
  inv.subtotal_excluding_tax = total;
  inv.total = total;
  inv.total_excluding_tax = total;
  inv.amount_due = total;
  inv.amount_remaining = Math.max(0, total - (inv.amount_paid as number));
}

export function addInvoiceLine(state: TStripeState, inv: TStripeObject, input: TLineInput): void {
  if (inv.status !== "draft")
    throw invalidState(
      `You can only add items to a draft invoice; this one is ${asText(inv.status)}.`,
      "invoice_not_editable",
    );
  if (inv.currency !== input.currency) {
    throw invalidParam(
      "currency",
      `The currency of this item (${input.currency}) must match the invoice currency (${asText(inv.currency)}).`,
    );
  }
  const lines = state.lineItems.get(inv.id) ?? [];
  lines.push(buildLine(state, inv.id, input));
  state.lineItems.set(inv.id, lines);
  syncInvoice(state, inv);
}

export function createDraftInvoice(
  state: TStripeState,
  input: {
    customer: TStripeObject;
    currency: string;
    description?: string | null;
    metadata?: Record<string, string>;
    autoAdvance?: boolean;
    collectionMethod?: string;
  },
  request: TEventRequest,
  lines: TLineInput[] = [],
): TStripeObject {
  const now = state.now();
  const c = input.customer;
  const inv: TStripeObject = {
    id: generateId("in"),
    object: "invoice",
    account_country: "US",
    account_name: "RevBridge Sandbox",
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: input.autoAdvance ?? false,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: "manual",
    collection_method: input.collectionMethod ?? "charge_automatically",
    created: now,
    currency: input.currency,
    custom_fields: null,
    customer: c.id,
    customer_address: c.address ?? null,
    customer_email: c.email ?? null,
    customer_name: c.name ?? null,
    customer_phone: c.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: c.tax_exempt ?? "none",
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: input.description ?? null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: "list", data: [], has_more: false, total_count: 0, url: "" },
    livemode: false,
    metadata: input.metadata ?? {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: now,
    period_start: now,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: "draft",
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: null,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
  state.invoices.insert(inv);
  for (const line of lines) addInvoiceLine(state, inv, line);
  syncInvoice(state, inv);
  state.recordEvent("invoice.created", inv, request);
  return inv;
}

export function finalizeInvoice(state: TStripeState, inv: TStripeObject, request: TEventRequest): void {
  if (inv.status !== "draft")
    throw invalidState(`This invoice is already finalized.`, "invoice_not_editable");
  const customer = state.customers.get(inv.customer as string);
  const sequence = (customer?.next_invoice_sequence as number | undefined) ?? 1;
  if (customer) customer.next_invoice_sequence = sequence + 1;
  inv.number = `${customer ? asText(customer.invoice_prefix) : "SANDBOX"}-${String(sequence).padStart(4, "0")}`;
  inv.status = "open";
  inv.effective_at = state.now();
  inv.hosted_invoice_url = `https://invoice.stripe.com/i/sandbox/${inv.id}`;
  inv.invoice_pdf = `https://pay.stripe.com/invoice/sandbox/${inv.id}/pdf`;
  inv.status_transitions = {
    ...(inv.status_transitions as { [key: string]: TJson }),
    finalized_at: state.now(),
  };
  state.recordEvent("invoice.finalized", inv, request);
}

/** Marks an open invoice paid: `invoice.paid` then `invoice.payment_succeeded`, as Stripe sends them. */
export function markInvoicePaid(state: TStripeState, inv: TStripeObject, request: TEventRequest): void {
  inv.status = "paid";
  inv.amount_paid = inv.amount_due as number;
  inv.amount_remaining = 0;
  inv.attempted = true;
  inv.attempt_count = (inv.attempt_count as number) + 1;
  inv.status_transitions = { ...(inv.status_transitions as { [key: string]: TJson }), paid_at: state.now() };
  state.recordEvent("invoice.paid", inv, request);
  state.recordEvent("invoice.payment_succeeded", inv, request);
}

export function createInvoiceRoutes(state: TStripeState): TStripeRoute[] {
  function createItem(call: TStripeCall) {
    const p = call.params;
    const customerId = p.requiredString("customer");
    let amount = p.integer("amount");
    let currency = p.currency("currency");
    const description = p.string("description");
    const quantity = p.integer("quantity", { min: 1 }) ?? 1;
    const invoiceId = p.string("invoice");
    const metadata = applyMetadata({}, p.metadata());
    const pricing = p.object("pricing");
    const priceId = pricing?.string("price");
    pricing?.done();
    const expand = p.expand();
    p.done();
    const customer = requireCustomer(state, customerId, "customer");
    let product: string | null = null;
    let unitAmount = amount ?? 0;
    if (priceId) {
      const price = requirePrice(state, priceId, "pricing[price]");
      currency ??= price.currency as string;
      unitAmount = price.unit_amount as number;
      amount = unitAmount * quantity;
      product = price.product as string;
    }
    if (amount === undefined) throw missingParam("amount");
    if (currency === undefined) throw missingParam("currency");
    const item: TStripeObject = {
      id: generateId("ii"),
      object: "invoiceitem",
      amount,
      created: state.now(),
      currency,
      customer: customer.id,
      date: state.now(),
      description: description ?? null,
      discountable: true,
      discounts: [],
      invoice: null,
      livemode: false,
      metadata,
      parent: null,
      period: { end: state.now(), start: state.now() },
      pricing: priceId
        ? {
            price_details: { price: priceId, product: product ?? "" },
            type: "price_details",
            unit_amount_decimal: String(unitAmount),
          }
        : null,
      proration: false,
      quantity,
      tax_rates: [],
      test_clock: null,
    };
    if (invoiceId) {
      const inv = requireInvoice(state, invoiceId);
      if (inv.customer !== customer.id)
        throw invalidParam("invoice", "The invoice belongs to another customer.");
      addInvoiceLine(state, inv, lineFromItem(item));
      item.invoice = inv.id;
    }
    state.invoiceItems.insert(item);
    state.recordEvent("invoiceitem.created", item, call.request);
    return { body: expandObject(state, item, expand) };
  }

  function lineFromItem(item: TStripeObject): TLineInput {
    const pricing = item.pricing as {
      price_details?: { price: string; product: string };
      unit_amount_decimal?: string;
    } | null;
    return {
      amount: item.amount as number,
      currency: item.currency as string,
      description: (item.description as string | null) ?? null,
      quantity: item.quantity as number,
      price: pricing?.price_details?.price ?? null,
      product: pricing?.price_details?.product ?? null,
      unitAmount: Number(pricing?.unit_amount_decimal ?? item.amount),
      metadata: item.metadata as Record<string, string>,
      invoiceItem: item.id,
    };
  }

  function create(call: TStripeCall) {
    const p = call.params;
    const customerId = p.string("customer");
    const currency = p.currency("currency");
    const description = p.string("description");
    const metadata = applyMetadata({}, p.metadata());
    const autoAdvance = p.boolean("auto_advance");
    const collectionMethod = p.oneOf("collection_method", ["charge_automatically", "send_invoice"] as const);
    p.integer("days_until_due");
    const pendingBehavior =
      p.oneOf("pending_invoice_items_behavior", ["exclude", "include"] as const) ?? "exclude";
    const expand = p.expand();
    p.done();
    if (!customerId) throw missingParam("customer");
    const customer = requireCustomer(state, customerId, "customer");
    const pending =
      pendingBehavior === "include"
        ? state.invoiceItems
            .list()
            .reverse()
            .filter((i) => i.customer === customer.id && i.invoice === null)
        : [];
    const invCurrency =
      currency ??
      (pending[0]?.currency as string | undefined) ??
      (customer.currency as string | null) ??
      "usd";
    const inv = createDraftInvoice(
      state,
      { customer, currency: invCurrency, description, metadata, autoAdvance, collectionMethod },
      call.request,
      pending.map(lineFromItem),
    );
    for (const item of pending) item.invoice = inv.id;
    return { body: expandObject(state, inv, expand) };
  }

  function finalize(call: TStripeCall) {
    const inv = requireInvoice(state, pathParam(call, "invoice"));
    const p = call.params;
    p.boolean("auto_advance");
    const expand = p.expand();
    p.done();
    finalizeInvoice(state, inv, call.request);
    return { body: expandObject(state, inv, expand) };
  }

  function pay(call: TStripeCall) {
    const inv = requireInvoice(state, pathParam(call, "invoice"));
    const p = call.params;
    const paymentMethod = p.string("payment_method") ?? "pm_card_visa";
    const outOfBand = p.boolean("paid_out_of_band") ?? false;
    p.boolean("off_session");
    const expand = p.expand();
    p.done();
    if (inv.status === "paid") throw invalidState("Invoice is already paid", "invoice_already_paid");
    if (inv.status === "draft") finalizeInvoice(state, inv, call.request);
    if (inv.status !== "open")
      throw invalidState(
        `This invoice can no longer be paid; it is ${asText(inv.status)}.`,
        "invoice_not_payable",
      );
    if (!outOfBand && (inv.amount_due as number) > 0) {
      const pi = createPaymentIntent(
        state,
        {
          amount: inv.amount_due as number,
          currency: inv.currency as string,
          customer: inv.customer as string,
          description: `Invoice ${asText(inv.number)}`,
        },
        call.request,
      );
      try {
        confirmPaymentIntent(state, pi, paymentMethod, call.request);
      } catch (error) {
        if (error instanceof StripeApiError && error.status === 402) {
          inv.attempted = true;
          inv.attempt_count = (inv.attempt_count as number) + 1;
          state.recordEvent("invoice.payment_failed", inv, call.request);
        }
        throw error;
      }
    }
    markInvoicePaid(state, inv, call.request);
    return { body: expandObject(state, inv, expand) };
  }

  function retrieve(call: TStripeCall) {
    const expand = call.params.expand();
    call.params.done();
    return { body: expandObject(state, requireInvoice(state, pathParam(call, "invoice")), expand) };
  }

  function list(call: TStripeCall) {
    const p = call.params;
    const customer = p.string("customer");
    const status = p.oneOf("status", ["draft", "open", "paid", "uncollectible", "void"] as const);
    const created = p.range("created");
    const page = readPageParams(p);
    const expand = p.expand();
    p.done();
    const items = state.invoices
      .list()
      .filter((x) => customer === undefined || x.customer === customer)
      .filter((x) => status === undefined || x.status === status)
      .filter((x) => matchesRange(x.created, created));
    return { body: expandObject(state, paginate(items, page, "/v1/invoices", "invoice"), expand) };
  }

  function lines(call: TStripeCall) {
    const inv = requireInvoice(state, pathParam(call, "invoice"));
    const p = call.params;
    const page = readPageParams(p);
    const expand = p.expand();
    p.done();
    // Lines read oldest first in Stripe, unlike top-level lists.
    const all = state.lineItems.get(inv.id) ?? [];
    return {
      body: expandObject(state, paginate(all, page, `/v1/invoices/${inv.id}/lines`, "line item"), expand),
    };
  }

  return [
    { method: "POST", path: "/v1/invoiceitems", handler: createItem },
    { method: "POST", path: "/v1/invoices", handler: create },
    { method: "GET", path: "/v1/invoices", handler: list },
    { method: "GET", path: "/v1/invoices/:invoice", handler: retrieve },
    { method: "GET", path: "/v1/invoices/:invoice/lines", handler: lines },
    { method: "POST", path: "/v1/invoices/:invoice/finalize", handler: finalize },
    { method: "POST", path: "/v1/invoices/:invoice/pay", handler: pay },
  ];
}
