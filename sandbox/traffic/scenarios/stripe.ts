/**
 * Stripe: families pay through the school's website (Checkout, completed by the sandbox buyer; a few
 * cards are declined and a few pages abandoned), billing creates customers and invoices tuition, and
 * families' details change. Most emails match the HubSpot contact; some pay with another address.
 * The app sees all of it as signed webhooks on /api/webhooks/stripe.
 */
import { formatName, formatPhone } from "../cast";
import { CURRENCY, PRODUCTS, TUITION_INSTALMENT, type TProductKey } from "../catalog";
import { ControlCallError, SkipStepError } from "../clients";
import type { TRandom } from "../prng";
import type { TPersonState } from "../world";
import { action, type TActionContext, type TScenario } from "./types";

const SUCCESS_URL = "https://www.school.example/admissions/paid?session={CHECKOUT_SESSION_ID}";
const CANCEL_URL = "https://www.school.example/admissions/fees";

type TCheckoutOutcome = "paid" | "declined" | "abandoned";

function customerIdOf(ctx: TActionContext): string {
  const id = ctx.handles.stripeCustomerId;
  if (!id) throw new SkipStepError("no Stripe customer id (its creation failed)");
  return id;
}

/** Most families pay with the address they gave admissions; some with a work or old address. */
function planEmail(s: TPersonState, rng: TRandom): string {
  return s.hubspot.submitted && rng.chance(0.25) ? s.person.otherEmail : s.person.email;
}

function planProduct(s: TPersonState, rng: TRandom): TProductKey {
  if (s.openapply.status === "admitted" && rng.chance(0.7)) return "enrolment_deposit";
  const applied = s.openapply.status === "applied";
  return rng.pickWeighted(
    ["application_fee", "open_day_workshop", "summer_camp"] as const,
    (k) => ({ application_fee: applied ? 50 : 10, open_day_workshop: 30, summer_camp: 20 })[k],
  );
}

const createCustomer: TScenario = {
  name: "stripe.customer",
  weight: 4,
  newcomerShare: 0.2,
  fits: (s) => !s.stripe.customer,
  plan(s, rng) {
    const email = planEmail(s, rng);
    const name = rng.chance(0.7) ? s.person.names[0]! : rng.pick(s.person.names);
    const phone = formatPhone(s.person.phone, rng.pick(["e164", "spaced", "local"] as const));
    s.stripe.customer = true;
    const matches = email === s.person.email ? "the enquiry email" : "another email";
    return action(createCustomer.name, s, `becomes a Stripe customer with ${matches}`, async (ctx) => {
      const c = await ctx.clients.stripe.sdk.customers.create({
        email,
        name: formatName(name),
        phone,
        metadata: { source: "website" },
      });
      ctx.handles.stripeCustomerId = c.id;
      return c.id;
    });
  },
};

const purchase: TScenario = {
  name: "stripe.purchase",
  weight: 7,
  newcomerShare: 0,
  fits: (s) => s.hubspot.submitted || s.stripe.customer,
  plan(s, rng) {
    const product = PRODUCTS[planProduct(s, rng)];
    const outcome = rng.pickWeighted<TCheckoutOutcome>(
      ["paid", "declined", "abandoned"],
      (o) => ({ paid: 85, declined: 5, abandoned: 10 })[o],
    );
    const guestEmail = planEmail(s, rng);
    const withInvoice = rng.chance(0.5);
    const asCustomer = s.stripe.customer;
    if (outcome === "paid") {
      s.stripe.purchases += 1;
      s.stripe.customer = true;
    }
    const summary = `${{ paid: "pays for", declined: "is declined paying for", abandoned: "abandons checkout for" }[outcome]} ${product.name}`;
    return action(purchase.name, s, summary, async (ctx) => {
      const stripe = ctx.clients.stripe;
      const knownCustomer = asCustomer ? ctx.handles.stripeCustomerId : undefined;
      const session = await stripe.sdk.checkout.sessions.create({
        mode: "payment",
        line_items: [{ price: ctx.setup.prices[product.key], quantity: 1 }],
        ...(knownCustomer
          ? { customer: knownCustomer }
          : { customer_email: guestEmail, customer_creation: "always" as const }),
        ...(withInvoice
          ? { invoice_creation: { enabled: true, invoice_data: { metadata: { product: product.key } } } }
          : {}),
        metadata: { product: product.key },
        success_url: SUCCESS_URL,
        cancel_url: CANCEL_URL,
      });
      if (outcome === "abandoned") return `${session.id} left open`;
      const name = formatName(s.person.names[0]!);
      if (outcome === "declined") {
        try {
          await stripe.completeCheckout(session.id, "pm_card_chargeDeclined", name);
        } catch (error) {
          if (error instanceof ControlCallError && error.status === 402) return `${session.id} card declined`;
          throw error;
        }
        throw new Error(`${session.id}: a declined card was accepted`);
      }
      const done = await stripe.completeCheckout(session.id, "pm_card_visa", name);
      if (done.customer) ctx.handles.stripeCustomerId = done.customer;
      return `${session.id} paid`;
    });
  },
};

const invoice: TScenario = {
  name: "stripe.invoice",
  weight: 2,
  newcomerShare: 0,
  fits: (s) =>
    s.stripe.customer &&
    s.stripe.invoices === 0 &&
    (s.openapply.status === "admitted" || s.openapply.status === "enrolled"),
  plan(s, rng) {
    const outOfBand = rng.chance(0.5);
    s.stripe.invoices += 1;
    return action(
      invoice.name,
      s,
      `pays the tuition invoice ${outOfBand ? "by bank transfer" : "by card"}`,
      async (ctx) => {
        const stripe = ctx.clients.stripe.sdk;
        const customer = customerIdOf(ctx);
        await stripe.invoiceItems.create({
          customer,
          amount: TUITION_INSTALMENT.amount,
          currency: CURRENCY,
          description: TUITION_INSTALMENT.description,
        });
        const draft = await stripe.invoices.create({
          customer,
          collection_method: "send_invoice",
          days_until_due: 14,
          pending_invoice_items_behavior: "include",
        });
        await stripe.invoices.finalizeInvoice(draft.id);
        const paid = await stripe.invoices.pay(draft.id, outOfBand ? { paid_out_of_band: true } : {});
        return `${paid.id} ${paid.status}`;
      },
    );
  },
};

const editCustomer: TScenario = {
  name: "stripe.customer-edit",
  weight: 3,
  newcomerShare: 0,
  fits: (s) => s.stripe.customer,
  plan(s, rng) {
    const changeName = rng.chance(0.5);
    const name = rng.pick(s.person.names);
    const phone = formatPhone(s.person.phone, rng.pick(["e164", "spaced"] as const));
    const what = changeName ? `updates the billing name to ${formatName(name)}` : "updates the billing phone";
    return action(editCustomer.name, s, what, async (ctx) => {
      const id = customerIdOf(ctx);
      await ctx.clients.stripe.sdk.customers.update(id, changeName ? { name: formatName(name) } : { phone });
      return id;
    });
  },
};

export const STRIPE_SCENARIOS: readonly TScenario[] = [createCustomer, purchase, invoice, editCustomer];
