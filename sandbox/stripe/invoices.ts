/**
 * Invoice items and one-off invoices (https://docs.stripe.com/api/invoices), as far as a purchase needs:
 * draft → finalize → pay (charging a test payment method or out of band), with `invoice.paid` carrying
 * lines, `amount_paid`, `currency` and `customer`. Shapes follow the current API (line `pricing`/`parent`,
 * no `invoice.charge`).
 */
import { invalidParam, invalidState, resourceMissing } from "./errors";
import { generateId } from "./ids";
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
