/**
 * Payment intents and charges (https://docs.stripe.com/api/payment_intents, /api/charges), with Stripe's
 * test payment methods deciding the outcome: `pm_card_visa` (and other `pm_card_*`) succeed,
 * `pm_card_chargeDeclined` and `pm_card_chargeDeclinedInsufficientFunds` decline with a 402 card error.
 */
import { pathParam, type TStripeCall, type TStripeRoute } from "./call";
import { requireCustomer } from "./customers";
import { cardDeclined, invalidParam, invalidState, missingParam, resourceMissing } from "./errors";
import { expandObject } from "./expand";
import { generateId, randomToken } from "./ids";
import { diffPrevious, paginate, readPageParams } from "./list";
import { applyMetadata, assertEmail, matchesRange } from "./params";
import type { TEventRequest, TJson, TStripeObject, TStripeState } from "./state";

const DECLINES: Record<string, string> = {
  pm_card_chargeDeclined: "generic_decline",
  pm_card_visa_chargeDeclined: "generic_decline",
  pm_card_chargeDeclinedInsufficientFunds: "insufficient_funds",
  pm_card_chargeDeclinedExpiredCard: "expired_card",
};

/** Stripe's minimum charge: 50 units of the currency's smallest unit (50 cents, ¥50) in this sandbox. */
function assertMinimumAmount(amount: number, currency: string): void {
  if (amount < 50) throw invalidParam("amount", `Amount must be at least 50 ${currency}`, "amount_too_small");
}

export function requirePaymentIntent(state: TStripeState, id: string, param = "intent"): TStripeObject {
  const pi = state.paymentIntents.get(id);
  if (!pi) throw resourceMissing("payment_intent", id, param);
  return pi;
}

export type TNewPaymentIntent = {
  amount: number;
  currency: string;
  customer?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  receipt_email?: string | null;
  payment_method?: string | null;
};

export function createPaymentIntent(
  state: TStripeState,
  input: TNewPaymentIntent,
  request: TEventRequest,
): TStripeObject {
  const id = generateId("pi");
  const pi: TStripeObject = {
    id,
    object: "payment_intent",
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: { allow_redirects: "always", enabled: true },
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic_async",
    client_secret: `${id}_secret_${randomToken(25)}`,
    confirmation_method: "automatic",
    created: state.now(),
    currency: input.currency,
    customer: input.customer ?? null,
    description: input.description ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: input.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: input.payment_method ?? null,
    payment_method_options: {
      card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "automatic" },
    },
    payment_method_types: ["card"],
    processing: null,
    receipt_email: input.receipt_email ?? null,
    setup_future_usage: null,
    shipping: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: input.payment_method ? "requires_confirmation" : "requires_payment_method",
    transfer_data: null,
    transfer_group: null,
  };
  state.paymentIntents.insert(pi);
  state.recordEvent("payment_intent.created", pi, request);
  return pi;
}

function createCharge(
  state: TStripeState,
  pi: TStripeObject,
  paymentMethod: string,
  declineCode: string | undefined,
): TStripeObject {
  const succeeded = declineCode === undefined;
  const customer = typeof pi.customer === "string" ? state.customers.get(pi.customer) : undefined;
  const charge: TStripeObject = {
    id: generateId("ch"),
    object: "charge",
    amount: pi.amount as number,
    amount_captured: succeeded ? (pi.amount as number) : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    balance_transaction: succeeded ? generateId("txn") : null,
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: (customer?.email as string | null | undefined) ?? (pi.receipt_email as string | null) ?? null,
      name: (customer?.name as string | null | undefined) ?? null,
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: "REVBRIDGE SANDBOX",
    captured: succeeded,
    created: state.now(),
    currency: pi.currency as string,
    customer: pi.customer ?? null,
    description: pi.description ?? null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: succeeded ? null : "card_declined",
    failure_message: succeeded ? null : "Your card was declined.",
    fraud_details: {},
    livemode: false,
    metadata: structuredClone(pi.metadata ?? {}),
    on_behalf_of: null,
    outcome: {
      network_status: succeeded ? "approved_by_network" : "declined_by_network",
      reason: declineCode ?? null,
      risk_level: "normal",
      risk_score: 20,
      seller_message: succeeded
        ? "Payment complete."
        : "The bank did not return any further details with this decline.",
      type: succeeded ? "authorized" : "issuer_declined",
    },
    paid: succeeded,
    payment_intent: pi.id,
    payment_method: paymentMethod,
    payment_method_details: {
      card: {
        brand: "visa",
        country: "US",
        exp_month: 12,
        exp_year: 2034,
        funding: "credit",
        last4: succeeded ? "4242" : "0002",
      },
      type: "card",
    },
    receipt_email: pi.receipt_email ?? null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    status: succeeded ? "succeeded" : "failed",
    transfer_data: null,
    transfer_group: null,
  };
  state.charges.insert(charge);
  return charge;
}

/**
 * Confirms a payment intent with a test payment method: success → charge.succeeded then
 * payment_intent.succeeded; decline → charge.failed, payment_intent.payment_failed and a 402.
 */
export function confirmPaymentIntent(
  state: TStripeState,
  pi: TStripeObject,
  paymentMethod: string,
  request: TEventRequest,
): TStripeObject {
  if (pi.status === "succeeded" || pi.status === "canceled") {
    throw invalidState(
      `You cannot confirm this PaymentIntent because it has a status of ${String(pi.status)}.`,
      "payment_intent_unexpected_state",
    );
  }
  if (!paymentMethod.startsWith("pm_"))
    throw resourceMissing("PaymentMethod", paymentMethod, "payment_method");
  const declineCode = DECLINES[paymentMethod];
  const charge = createCharge(state, pi, paymentMethod, declineCode);
  pi.payment_method = paymentMethod;
  pi.latest_charge = charge.id;
  if (declineCode) {
    pi.status = "requires_payment_method";
    pi.last_payment_error = {
      charge: charge.id,
      code: "card_declined",
      decline_code: declineCode,
      doc_url: "https://stripe.com/docs/error-codes/card-declined",
      message: "Your card was declined.",
      type: "card_error",
    };
    state.recordEvent("charge.failed", charge, request);
    state.recordEvent("payment_intent.payment_failed", pi, request);
    throw cardDeclined(declineCode, structuredClone(pi));
  }
  pi.status = "succeeded";
  pi.amount_received = pi.amount as number;
  pi.last_payment_error = null;
  state.recordEvent("charge.succeeded", charge, request);
  state.recordEvent("payment_intent.succeeded", pi, request);
  return pi;
}

export function createPaymentRoutes(state: TStripeState): TStripeRoute[] {
  function create(call: TStripeCall) {
    const p = call.params;
    const amount = p.integer("amount", { min: 0 });
    const currency = p.currency("currency");
    const customer = p.string("customer");
    const description = p.string("description");
    const metadata = applyMetadata({}, p.metadata());
    const receiptEmail = p.string("receipt_email");
    const paymentMethod = p.string("payment_method");
    const confirm = p.boolean("confirm") ?? false;
    const apm = p.object("automatic_payment_methods");
    if (apm) {
      apm.boolean("enabled");
      apm.oneOf("allow_redirects", ["always", "never"] as const);
      apm.done();
    }
    p.stringList("payment_method_types");
    p.string("return_url");
    p.boolean("off_session");
    p.string("statement_descriptor_suffix");
    const expand = p.expand();
    p.done();
    if (amount === undefined) throw missingParam("amount");
    if (currency === undefined) throw missingParam("currency");
    assertMinimumAmount(amount, currency);
    assertEmail("receipt_email", receiptEmail);
    if (customer !== undefined) requireCustomer(state, customer, "customer");
    if (confirm && !paymentMethod) throw missingParam("payment_method");
    const pi = createPaymentIntent(
      state,
      {
        amount,
        currency,
        customer,
        description,
        metadata,
        receipt_email: receiptEmail,
        payment_method: paymentMethod,
      },
      call.request,
    );
    if (confirm && paymentMethod) confirmPaymentIntent(state, pi, paymentMethod, call.request);
    return { body: expandObject(state, pi, expand) };
  }

  function confirm(call: TStripeCall) {
    const pi = requirePaymentIntent(state, pathParam(call, "intent"));
    const p = call.params;
    const paymentMethod = p.string("payment_method") ?? (pi.payment_method as string | null);
    p.string("return_url");
    p.boolean("off_session");
    const expand = p.expand();
    p.done();
    if (!paymentMethod) throw missingParam("payment_method");
    confirmPaymentIntent(state, pi, paymentMethod, call.request);
    return { body: expandObject(state, pi, expand) };
  }

  function update(call: TStripeCall) {
    const pi = requirePaymentIntent(state, pathParam(call, "intent"));
    const p = call.params;
    const fields: { [key: string]: TJson } = {};
    const description = p.emptyableString("description");
    if (description !== undefined) fields.description = description;
    const receiptEmail = p.emptyableString("receipt_email");
    if (receiptEmail !== undefined) fields.receipt_email = receiptEmail;
    const customer = p.string("customer");
    if (customer !== undefined) fields.customer = requireCustomer(state, customer, "customer").id;
    const metadata = p.metadata();
    const expand = p.expand();
    p.done();
    if (pi.status === "succeeded" && customer !== undefined) {
      throw invalidState(
        "You cannot change the customer of a succeeded PaymentIntent.",
        "payment_intent_unexpected_state",
      );
    }
    const before = structuredClone(pi);
    Object.assign(pi, fields);
    pi.metadata = applyMetadata(pi.metadata as Record<string, string>, metadata);
    const previous = diffPrevious(before, pi);
    if (previous) state.recordEvent("payment_intent.updated", pi, call.request, previous);
    return { body: expandObject(state, pi, expand) };
  }

  function cancel(call: TStripeCall) {
    const pi = requirePaymentIntent(state, pathParam(call, "intent"));
    const p = call.params;
    const reason = p.oneOf("cancellation_reason", [
      "duplicate",
      "fraudulent",
      "requested_by_customer",
      "abandoned",
    ] as const);
    const expand = p.expand();
    p.done();
    if (pi.status === "succeeded" || pi.status === "canceled") {
      throw invalidState(
        `You cannot cancel this PaymentIntent because it has a status of ${String(pi.status)}.`,
        "payment_intent_unexpected_state",
      );
    }
    pi.status = "canceled";
    pi.canceled_at = state.now();
    pi.cancellation_reason = reason ?? null;
    state.recordEvent("payment_intent.canceled", pi, call.request);
    return { body: expandObject(state, pi, expand) };
  }

  function retrieve(kind: "payment_intent" | "charge") {
    return (call: TStripeCall) => {
      const id = pathParam(call, kind === "payment_intent" ? "intent" : "charge");
      const expand = call.params.expand();
      call.params.string("client_secret");
      call.params.done();
      const obj = kind === "payment_intent" ? state.paymentIntents.get(id) : state.charges.get(id);
      if (!obj) throw resourceMissing(kind, id, kind === "payment_intent" ? "intent" : "charge");
      return { body: expandObject(state, obj, expand) };
    };
  }

  function list(kind: "payment_intent" | "charge") {
    return (call: TStripeCall) => {
      const p = call.params;
      const customer = p.string("customer");
      const paymentIntent = kind === "charge" ? p.string("payment_intent") : undefined;
      const created = p.range("created");
      const page = readPageParams(p);
      const expand = p.expand();
      p.done();
      const source = kind === "payment_intent" ? state.paymentIntents : state.charges;
      const items = source
        .list()
        .filter((x) => customer === undefined || x.customer === customer)
        .filter((x) => paymentIntent === undefined || x.payment_intent === paymentIntent)
        .filter((x) => matchesRange(x.created, created));
      const url = kind === "payment_intent" ? "/v1/payment_intents" : "/v1/charges";
      return { body: expandObject(state, paginate(items, page, url, kind), expand) };
    };
  }

  return [
    { method: "POST", path: "/v1/payment_intents", handler: create },
    { method: "GET", path: "/v1/payment_intents", handler: list("payment_intent") },
    { method: "GET", path: "/v1/payment_intents/:intent", handler: retrieve("payment_intent") },
    { method: "POST", path: "/v1/payment_intents/:intent", handler: update },
    { method: "POST", path: "/v1/payment_intents/:intent/confirm", handler: confirm },
    { method: "POST", path: "/v1/payment_intents/:intent/cancel", handler: cancel },
    { method: "GET", path: "/v1/charges", handler: list("charge") },
    { method: "GET", path: "/v1/charges/:charge", handler: retrieve("charge") },
  ];
}
