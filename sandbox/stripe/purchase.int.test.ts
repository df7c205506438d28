/**
 * Contract: a purchase through the official SDK — catalog, Checkout completed by the sandbox buyer,
 * payment intents (success and decline), invoices, expansion and the events list with its filters.
 */
import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startStripeSandbox, type TStripeSandbox } from "./index";
import { captureStripeError, createTestClient } from "./test-client";

let clock = Date.UTC(2026, 0, 15, 12);
let sandbox: TStripeSandbox;
let stripe: Stripe;

beforeAll(async () => {
  sandbox = await startStripeSandbox({ port: 0, now: () => clock });
  stripe = createTestClient(sandbox.port);
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

async function tuitionPrice(): Promise<Stripe.Price> {
  const product = await stripe.products.create({ name: "Summer camp", metadata: { sku: "camp-26" } });
  return stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 125_000 });
}

describe("catalog", () => {
  it("creates products and prices, expands the product and rejects unknown ids", async () => {
    const price = await tuitionPrice();
    expect(price).toMatchObject({
      object: "price",
      currency: "usd",
      unit_amount: 125_000,
      type: "one_time",
      active: true,
    });
    const expanded = await stripe.prices.retrieve(price.id, { expand: ["product"] });
    expect((expanded.product as Stripe.Product).name).toBe("Summer camp");
    const missing = await captureStripeError(
      stripe.prices.create({ product: "prod_missing", currency: "usd", unit_amount: 1 }),
    );
    expect(missing).toMatchObject({ statusCode: 404, code: "resource_missing", param: "product" });
    const notExpandable = await captureStripeError(
      stripe.prices.retrieve(price.id, { expand: ["currency"] }),
    );
    expect(notExpandable.message).toBe("This property cannot be expanded (currency).");
  });
});

describe("checkout", () => {
  it("completes a session: payment intent, charge, paid invoice with lines, events in Stripe's order", async () => {
    const price = await tuitionPrice();
    const customer = await stripe.customers.create({ email: "parent@example.com", name: "Pat Parent" });
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      customer: customer.id,
      line_items: [{ price: price.id, quantity: 2 }],
      invoice_creation: { enabled: true, invoice_data: { metadata: { source: "camp" } } },
      payment_intent_data: { metadata: { hubspot_deal_id: "d-9" } },
      client_reference_id: "openid-123",
      success_url: "http://127.0.0.1:3000/paid?session={CHECKOUT_SESSION_ID}",
    });
    expect(session).toMatchObject({
      object: "checkout.session",
      status: "open",
      payment_status: "unpaid",
      amount_total: 250_000,
      currency: "usd",
      payment_intent: null,
    });
    expect(session.url).toContain(`/__sandbox/stripe/checkout/${session.id}`);

    const res = await fetch(`${sandbox.url}/__sandbox/stripe/checkout/sessions/${session.id}/complete`, {
      method: "POST",
      body: "{}",
    });
    expect(res.status).toBe(200);

    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent.latest_charge", "line_items", "invoice"],
    });
    expect(done).toMatchObject({
      status: "complete",
      payment_status: "paid",
      customer: customer.id,
      client_reference_id: "openid-123",
    });
    const pi = done.payment_intent as Stripe.PaymentIntent;
    expect(pi).toMatchObject({
      status: "succeeded",
      amount: 250_000,
      amount_received: 250_000,
      customer: customer.id,
      metadata: { hubspot_deal_id: "d-9" },
    });
    expect(pi.latest_charge as Stripe.Charge).toMatchObject({
      object: "charge",
      status: "succeeded",
      paid: true,
      amount: 250_000,
    });
    expect(done.line_items?.data[0]).toMatchObject({
      object: "item",
      quantity: 2,
      amount_total: 250_000,
      description: "Summer camp",
    });
    const invoice = done.invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({
      status: "paid",
      amount_paid: 250_000,
      currency: "usd",
      customer: customer.id,
      metadata: { source: "camp" },
    });
    expect(invoice.lines.data[0]).toMatchObject({ object: "line_item", amount: 250_000, quantity: 2 });
    expect(invoice.lines.data[0]!.pricing?.price_details?.price).toBe(price.id);

    const types = (await stripe.events.list({ limit: 100 })).data.map((e) => e.type).reverse();
    expect(types.slice(types.indexOf("payment_intent.created"))).toEqual([
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
      "checkout.session.completed",
    ]);
    const completed = (await stripe.events.list({ type: "checkout.session.completed" })).data[0]!;
    expect(completed.request).toEqual({ id: null, idempotency_key: null });
    expect((completed.data.object as Stripe.Checkout.Session).payment_status).toBe("paid");

    const again = await fetch(`${sandbox.url}/__sandbox/stripe/checkout/sessions/${session.id}/complete`, {
      method: "POST",
      body: "{}",
    });
    expect(again.status).toBe(400);
  });

  it("creates the customer for a guest when asked, and rejects what Stripe rejects", async () => {
    const price = await tuitionPrice();
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      customer_creation: "always",
      customer_email: "guest@example.com",
      line_items: [
        {
          price_data: { currency: "usd", unit_amount: 900, product_data: { name: "Application fee" } },
          quantity: 1,
        },
      ],
    });
    sandbox.completeCheckoutSession(session.id, { name: "Gus Guest" });
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ["customer"] });
    expect(done.customer as Stripe.Customer).toMatchObject({ email: "guest@example.com", name: "Gus Guest" });
    expect(done.customer_details).toMatchObject({ email: "guest@example.com", name: "Gus Guest" });

    const noMode = await captureStripeError(
      stripe.checkout.sessions.create({ line_items: [{ price: price.id, quantity: 1 }] }),
    );
    expect(noMode).toMatchObject({ statusCode: 400, code: "parameter_missing", param: "mode" });
    const noQty = await captureStripeError(
      stripe.checkout.sessions.create({ mode: "payment", line_items: [{ price: price.id }] }),
    );
    expect(noQty).toMatchObject({ statusCode: 400, param: "line_items[0][quantity]" });
    const both = await captureStripeError(
      stripe.checkout.sessions.create({
        mode: "payment",
        customer: "cus_x",
        customer_email: "a@b.co",
        line_items: [{ price: price.id, quantity: 1 }],
      }),
    );
    expect(both.statusCode).toBe(400);
  });

  it("expires sessions on request and when their time is up", async () => {
    const price = await tuitionPrice();
    const a = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ price: price.id, quantity: 1 }],
    });
    expect((await stripe.checkout.sessions.expire(a.id)).status).toBe("expired");
    const b = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ price: price.id, quantity: 1 }],
    });
    clock += 25 * 3600 * 1000;
    expect((await stripe.checkout.sessions.retrieve(b.id)).status).toBe("expired");
    expect((await stripe.events.list({ type: "checkout.session.expired" })).data).toHaveLength(2);
  });
});

describe("payment intents and invoices", () => {
  it("confirms with a test card, declines with pm_card_chargeDeclined (402 card error)", async () => {
    const customer = await stripe.customers.create({ email: "buyer@example.com" });
    const ok = await stripe.paymentIntents.create({
      amount: 5_000,
      currency: "usd",
      customer: customer.id,
      payment_method: "pm_card_visa",
      confirm: true,
    });
    expect(ok.status).toBe("succeeded");
    const declined = await captureStripeError(
      stripe.paymentIntents.create({
        amount: 5_000,
        currency: "usd",
        customer: customer.id,
        payment_method: "pm_card_chargeDeclined",
        confirm: true,
      }),
    );
    expect(declined).toMatchObject({
      statusCode: 402,
      type: "StripeCardError",
      code: "card_declined",
      decline_code: "generic_decline",
    });
    expect(declined.payment_intent?.status).toBe("requires_payment_method");
    const charges = await stripe.charges.list({ customer: customer.id });
    expect(charges.data.map((c) => c.status)).toEqual(["failed", "succeeded"]);
    const small = await captureStripeError(stripe.paymentIntents.create({ amount: 10, currency: "usd" }));
    expect(small).toMatchObject({ statusCode: 400, code: "amount_too_small" });
  });

  it("invoices pending items, finalizes and pays, emitting invoice.paid with lines", async () => {
    const price = await tuitionPrice();
    const customer = await stripe.customers.create({ email: "family@example.com", name: "Family" });
    await stripe.invoiceItems.create({ customer: customer.id, pricing: { price: price.id } });
    await stripe.invoiceItems.create({
      customer: customer.id,
      amount: 3_000,
      currency: "usd",
      description: "Bus",
    });
    const draft = await stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: "include",
    });
    expect(draft).toMatchObject({ status: "draft", amount_due: 128_000, total: 128_000 });
    expect(draft.lines.data).toHaveLength(2);
    const finalized = await stripe.invoices.finalizeInvoice(draft.id);
    expect(finalized.status).toBe("open");
    expect(finalized.number).toMatch(/-0001$/);
    const paid = await stripe.invoices.pay(draft.id);
    expect(paid).toMatchObject({ status: "paid", amount_paid: 128_000, amount_remaining: 0 });
    const event = (await stripe.events.list({ type: "invoice.paid" })).data[0]!;
    const inv = event.data.object as Stripe.Invoice;
    expect(inv).toMatchObject({ id: draft.id, customer: customer.id, currency: "usd", amount_paid: 128_000 });
    expect(inv.lines.data.map((l) => l.amount)).toEqual([125_000, 3_000]);
    const lines = await stripe.invoices.listLineItems(draft.id, { limit: 1 });
    expect(lines.has_more).toBe(true);
    expect((await stripe.invoices.list({ customer: customer.id, status: "paid" })).data).toHaveLength(1);
  });
});

describe("events", () => {
  it("filters by type, wildcard, types[] and created, pages, and keeps 30 days", async () => {
    const t0 = Math.floor(clock / 1000);
    const a = await stripe.customers.create({ email: "a@example.com" });
    clock += 10_000;
    await stripe.customers.update(a.id, { name: "A" });
    await stripe.products.create({ name: "P" });
    expect((await stripe.events.list({ type: "customer.*" })).data.map((e) => e.type)).toEqual([
      "customer.updated",
      "customer.created",
    ]);
    expect((await stripe.events.list({ types: ["product.created", "customer.created"] })).data).toHaveLength(
      2,
    );
    expect((await stripe.events.list({ created: { gt: t0 } })).data.map((e) => e.type)).toEqual([
      "product.created",
      "customer.updated",
    ]);
    expect((await stripe.events.list({ created: { lte: t0 } })).data.map((e) => e.type)).toEqual([
      "customer.created",
    ]);
    const first = await stripe.events.list({ limit: 1 });
    const next = await stripe.events.list({ limit: 1, starting_after: first.data[0]!.id });
    expect(next.data[0]!.type).toBe("customer.updated");
    const one = await stripe.events.retrieve(first.data[0]!.id);
    expect(one).toMatchObject({ id: first.data[0]!.id, object: "event", pending_webhooks: 0 });
    clock += 31 * 24 * 3600 * 1000;
    expect((await stripe.events.list()).data).toHaveLength(0);
    const gone = await captureStripeError(stripe.events.retrieve(one.id));
    expect(gone.statusCode).toBe(404);
  });
});
