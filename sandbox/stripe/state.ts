/**
 * The stand-in's in-memory Stripe account: one ordered collection per object type and the event log.
 * Objects are stored as the JSON Stripe would return; handlers mutate them and record events.
 */
import { generateId } from "./ids";

export type TJson = null | boolean | number | string | TJson[] | { [key: string]: TJson };
/** Any Stripe object as stored: its JSON plus the fields every one of them has. */
export type TStripeObject = { id: string; object: string; created: number; [key: string]: TJson };

/** A stored field as text, for messages and numbering (objects never print as `[object Object]`). */
export function asText(value: TJson | undefined): string {
  return typeof value === "string" ? value : JSON.stringify(value ?? null);
}

/** Objects that exist only inside a parent (invoice lines, checkout items): no `created`. */
export type TChildObject = { id: string; object: string; [key: string]: TJson };

export type TEventRequest = { id: string | null; idempotency_key: string | null };

export interface TStripeEvent extends TStripeObject {
  object: "event";
  type: string;
  api_version: string;
  livemode: false;
  pending_webhooks: number;
  request: TEventRequest;
  data: { object: TStripeObject; previous_attributes?: { [key: string]: TJson } };
}

/** Insertion-ordered objects; lists read newest first, as Stripe's do. */
export class Collection<T extends { id: string; created: number }> {
  private readonly items = new Map<string, T>();
  private readonly order = new Map<string, number>();

  constructor(private readonly nextSeq: () => number) {}

  insert(item: T): T {
    this.items.set(item.id, item);
    this.order.set(item.id, this.nextSeq());
    return item;
  }

  get(id: string): T | undefined {
    return this.items.get(id);
  }

  delete(id: string): void {
    this.items.delete(id);
    this.order.delete(id);
  }

  /** Newest first: by `created`, then by insertion within the same second. */
  list(): T[] {
    return [...this.items.values()].sort(
      (a, b) => b.created - a.created || (this.order.get(b.id) ?? 0) - (this.order.get(a.id) ?? 0),
    );
  }

  get size(): number {
    return this.items.size;
  }

  clear(): void {
    this.items.clear();
    this.order.clear();
  }
}

export const EVENT_RETENTION_SECONDS = 30 * 24 * 3600;

export type TEventListener = (event: TStripeEvent) => void;

export interface TStateOptions {
  apiVersion: string;
  /** Milliseconds; injectable so tests can move time (event retention, expirations). */
  now?: () => number;
}

export function createStripeState(options: TStateOptions) {
  let seq = 0;
  const nextSeq = () => ++seq;
  const nowMs = options.now ?? Date.now;
  const listeners = new Set<TEventListener>();

  const collections = {
    customers: new Collection<TStripeObject>(nextSeq),
    products: new Collection<TStripeObject>(nextSeq),
    prices: new Collection<TStripeObject>(nextSeq),
    checkoutSessions: new Collection<TStripeObject>(nextSeq),
    paymentIntents: new Collection<TStripeObject>(nextSeq),
    charges: new Collection<TStripeObject>(nextSeq),
    invoices: new Collection<TStripeObject>(nextSeq),
    invoiceItems: new Collection<TStripeObject>(nextSeq),
    webhookEndpoints: new Collection<TStripeObject>(nextSeq),
    events: new Collection<TStripeEvent>(nextSeq),
  };

  /** Which collection holds an id, by its prefix; used by expansion and generic lookups. */
  const byPrefix: [string, Collection<TStripeObject>][] = [
    ["cus_", collections.customers],
    ["prod_", collections.products],
    ["price_", collections.prices],
    ["cs_", collections.checkoutSessions],
    ["pi_", collections.paymentIntents],
    ["ch_", collections.charges],
    ["in_", collections.invoices],
    ["ii_", collections.invoiceItems],
    ["we_", collections.webhookEndpoints],
  ];

  function now(): number {
    return Math.floor(nowMs() / 1000);
  }

  function findById(id: string): TStripeObject | undefined {
    if (id.startsWith("evt_")) return collections.events.get(id);
    for (const [prefix, c] of byPrefix) if (id.startsWith(prefix)) return c.get(id);
    return undefined;
  }

  /** Records one event with a snapshot of the object, as Stripe freezes `data.object` at event time. */
  function recordEvent(
    type: string,
    object: TStripeObject,
    request: TEventRequest,
    previousAttributes?: { [key: string]: TJson },
  ): TStripeEvent {
    const event: TStripeEvent = {
      id: generateId("evt"),
      object: "event",
      api_version: options.apiVersion,
      created: now(),
      data: {
        object: structuredClone(object),
        ...(previousAttributes ? { previous_attributes: structuredClone(previousAttributes) } : {}),
      },
      livemode: false,
      pending_webhooks: 0,
      request,
      type,
    };
    collections.events.insert(event);
    for (const l of listeners) l(event);
    return event;
  }

  /** Drops events older than Stripe's 30-day retention. */
  function pruneEvents(): void {
    const cutoff = now() - EVENT_RETENTION_SECONDS;
    for (const e of collections.events.list()) if (e.created < cutoff) collections.events.delete(e.id);
  }

  /**
   * Line items by parent id (checkout session or invoice): not all of them live in the parent's JSON
   * (a session's are only expanded or listed; an invoice embeds the first ten).
   */
  const lineItems = new Map<string, TChildObject[]>();

  function reset(): void {
    for (const c of Object.values(collections)) c.clear();
    lineItems.clear();
  }

  return {
    ...collections,
    lineItems,
    apiVersion: options.apiVersion,
    now,
    nowMs,
    findById,
    recordEvent,
    pruneEvents,
    onEvent(listener: TEventListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reset,
  };
}

export type TStripeState = ReturnType<typeof createStripeState>;
