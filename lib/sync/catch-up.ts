import "server-only";
import type Stripe from "stripe";
import { db } from "@/lib/db";
import { hubspotContactChanged, stripeObjectChanged } from "@/inngest/events";
import { searchContactsModifiedSince } from "@/lib/connectors/hubspot/contacts";
import { HANDLED_STRIPE_EVENTS } from "@/lib/connectors/stripe/webhook";
import { stripeCall } from "@/lib/connectors/stripe/client";
import { stripeDomainEventId, type TDomainEvent } from "@/lib/sync/dispatch";
import { hubspotPropertiesRead } from "@/lib/sync/mapping";
import { readMapping } from "@/lib/sync/mapping-settings";

/**
 * The hourly catch-up: webhooks can be lost upstream (endpoint down past the retries, a bug). It
 * feeds the same functions with what the inbox does not show as processed.
 */
const STRIPE_WINDOW_S = 3 * 3600;
const STRIPE_FAILED_WINDOW_S = 24 * 3600;
const HUBSPOT_WINDOW_MS = 2 * 3600 * 1000;

async function listEvents(params: Stripe.EventListParams, max = 2000): Promise<Stripe.Event[]> {
  const out: Stripe.Event[] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const page = await stripeCall((s) =>
      s.events.list({ ...params, limit: 100, ...(startingAfter ? { starting_after: startingAfter } : {}) }),
    );
    out.push(...page.data);
    const last = page.data[page.data.length - 1];
    if (!page.has_more || !last || out.length >= max) return out;
    startingAfter = last.id;
  }
}

/** Stripe events (undelivered in the last day, or any in the last hours) whose inbox row is not done. */
export async function stripeCatchUpEvents(nowS = Math.floor(Date.now() / 1000)): Promise<TDomainEvent[]> {
  const types = [...HANDLED_STRIPE_EVENTS];
  const [failed, recent] = await Promise.all([
    listEvents({ delivery_success: false, types, created: { gte: nowS - STRIPE_FAILED_WINDOW_S } }),
    listEvents({ types, created: { gte: nowS - STRIPE_WINDOW_S } }),
  ]);
  const byId = new Map([...failed, ...recent].map((e) => [e.id, e]));
  const done = await db().webhookEvent.findMany({
    where: {
      provider: "STRIPE",
      dedupeKey: { in: [...byId.keys()] },
      status: { in: ["PROCESSED", "IGNORED"] },
    },
    select: { dedupeKey: true },
  });
  const doneIds = new Set(done.map((d) => d.dedupeKey));
  return [...byId.values()]
    .filter((e) => !doneIds.has(e.id))
    .map((e) => ({
      id: stripeDomainEventId(e.id),
      name: stripeObjectChanged.name,
      data: {
        stripeEventId: e.id,
        type: e.type,
        objectId: String((e.data.object as { id?: string }).id),
        created: e.created,
      },
    }));
}

/** HubSpot contacts modified recently whose newest state was not synced (or never mapped). */
export async function hubspotCatchUpEvents(nowMs = Date.now()): Promise<TDomainEvent[]> {
  const mapping = await readMapping();
  const contacts = await searchContactsModifiedSince(
    nowMs - HUBSPOT_WINDOW_MS,
    hubspotPropertiesRead(mapping),
  );
  const maps = await db().contactCustomerMap.findMany({
    where: { hubspotContactId: { in: contacts.map((c) => c.id) } },
    select: { hubspotContactId: true, hubspotUpdatedAt: true },
  });
  const synced = new Map(maps.map((m) => [m.hubspotContactId, m.hubspotUpdatedAt?.getTime() ?? 0]));
  return contacts
    .filter((c) => (synced.get(c.id) ?? -1) < c.updatedAtMs)
    .map((c) => ({
      id: `catch-up:HUBSPOT:${c.id}:${c.updatedAtMs}`,
      name: hubspotContactChanged.name,
      data: { contactId: c.id, occurredAt: c.updatedAtMs, subscriptionType: "revbridge.catchup" },
    }));
}
