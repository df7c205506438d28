/**
 * Checkout Sessions in `payment` mode (https://docs.stripe.com/api/checkout/sessions). A real buyer pays
 * on Stripe's hosted page; here `completeCheckoutSession` (a sandbox control call) plays that buyer:
 * it creates the customer when needed, the payment intent and charge, the paid invoice when
 * `invoice_creation[enabled]`, and emits the events in Stripe's order.
 */
import { insertCustomer } from "./customers";
import { invalidState, resourceMissing } from "./errors";
import { confirmPaymentIntent, createPaymentIntent } from "./payments";
import { createDraftInvoice, finalizeInvoice, markInvoicePaid } from "./invoices";
import { asText, type TEventRequest, type TJson, type TStripeObject, type TStripeState } from "./state";

export const SESSION_LIFETIME_SECONDS = 24 * 3600;

export function requireSession(state: TStripeState, id: string, param = "session"): TStripeObject {
  const s = state.checkoutSessions.get(id);
  if (!s) throw resourceMissing("checkout.session", id, param);
  expireIfDue(state, s);
  return s;
}

/** Sessions expire lazily, when next read, as no clock runs in the sandbox. */
export function expireIfDue(state: TStripeState, s: TStripeObject): void {
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
    customerId = insertCustomer(state, { email, name }, request).id;
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
