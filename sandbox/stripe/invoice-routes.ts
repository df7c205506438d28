/**
 * The invoice and invoice-item endpoints over the model in ./invoices.
 */
import { pathParam, type TStripeCall, type TStripeRoute } from "./call";
import { requirePrice } from "./catalog";
import { requireCustomer } from "./customers";
import { StripeApiError, invalidParam, invalidState, missingParam } from "./errors";
import { expandObject } from "./expand";
import { generateId } from "./ids";
import { paginate, readPageParams } from "./list";
import { applyMetadata, matchesRange } from "./params";
import { confirmPaymentIntent, createPaymentIntent } from "./payments";
import { asText, type TStripeObject, type TStripeState } from "./state";
import {
  type TLineInput,
  requireInvoice,
  addInvoiceLine,
  createDraftInvoice,
  finalizeInvoice,
  markInvoicePaid,
} from "./invoices";

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
