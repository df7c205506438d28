/**
 * What a Stripe purchase event says (pure): checkout.session.completed, invoice.paid and
 * payment_intent.succeeded can all report one purchase. `refs` are every object id that identifies
 * it; the PaymentIntent id, when known, is the purchase key they share.
 */
export const PURCHASE_EVENT_TYPES: ReadonlySet<string> = new Set([
  "checkout.session.completed",
  "invoice.paid",
  "payment_intent.succeeded",
]);

export interface TPurchaseFact {
  type: string;
  stripeEventId: string;
  paymentIntentId?: string;
  refs: string[];
  amount: number;
  currency: string;
  customerId?: string;
  email?: string;
  paidAtMs: number;
  webhookEventId?: string;
}

type TObj = Record<string, unknown>;
const s = (v: unknown): string | undefined =>
  typeof v === "string" && v
    ? v
    : v && typeof v === "object" && typeof (v as TObj).id === "string"
      ? ((v as TObj).id as string)
      : undefined;

/** Reads one event's object; undefined when it reports no money taken (unpaid session, zero invoice). */
export function purchaseFact(
  type: string,
  object: TObj,
  meta: { stripeEventId: string; created: number; webhookEventId?: string },
): TPurchaseFact | undefined {
  const base = {
    type,
    stripeEventId: meta.stripeEventId,
    paidAtMs: meta.created * 1000,
    webhookEventId: meta.webhookEventId,
  };
  const currency = (
    typeof object.currency === "string" && object.currency ? object.currency : "usd"
  ).toLowerCase();
  const customerId = s(object.customer);
  if (type === "payment_intent.succeeded") {
    const id = String(object.id);
    return {
      ...base,
      paymentIntentId: id,
      refs: [id],
      amount: Number(object.amount_received ?? object.amount ?? 0),
      currency,
      customerId,
      email: s(object.receipt_email),
    };
  }
  if (type === "checkout.session.completed") {
    if (object.payment_status !== "paid") return undefined;
    const pi = s(object.payment_intent);
    const refs = [String(object.id), pi, s(object.invoice)].filter((r): r is string => Boolean(r));
    const details = object.customer_details as TObj | null | undefined;
    return {
      ...base,
      paymentIntentId: pi,
      refs,
      amount: Number(object.amount_total ?? 0),
      currency,
      customerId,
      email: s(details?.email),
    };
  }
  if (type === "invoice.paid") {
    const amount = Number(object.amount_paid ?? 0);
    if (amount <= 0) return undefined;
    const payments = ((object.payments as TObj | undefined)?.data as TObj[] | undefined) ?? [];
    const pi = s(object.payment_intent) ?? s((payments[0]?.payment as TObj | undefined)?.payment_intent);
    const paidAt = Number((object.status_transitions as TObj | undefined)?.paid_at ?? meta.created);
    const refs = [String(object.id), pi].filter((r): r is string => Boolean(r));
    return {
      ...base,
      paymentIntentId: pi,
      refs,
      amount,
      currency,
      customerId,
      email: s(object.customer_email),
      paidAtMs: paidAt * 1000,
    };
  }
  return undefined;
}

/** Groups facts that share any ref (a checkout links its payment intent and invoice). */
export function groupFacts(facts: TPurchaseFact[]): TPurchaseFact[][] {
  const groups: { refs: Set<string>; facts: TPurchaseFact[] }[] = [];
  for (const f of facts) {
    const hits = groups.filter((g) => f.refs.some((r) => g.refs.has(r)));
    const merged = { refs: new Set(f.refs), facts: [f] };
    for (const h of hits) {
      h.refs.forEach((r) => merged.refs.add(r));
      merged.facts.push(...h.facts);
      groups.splice(groups.indexOf(h), 1);
    }
    groups.push(merged);
  }
  return groups.map((g) => g.facts);
}

/** The key a group is stored under: the PaymentIntent id when any fact knows it. */
export function purchaseKeyOf(facts: TPurchaseFact[]): string {
  return facts.find((f) => f.paymentIntentId)?.paymentIntentId ?? facts[0]!.refs[0]!;
}
