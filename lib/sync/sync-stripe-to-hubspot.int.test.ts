/** Stripe → HubSpot: upsert, 207 fallback, purchases counted once, retries to dead letter (set-up: sync-harness.ts). */
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { inngest } from "@/inngest/client";
import { stripeObjectChanged } from "@/inngest/events";
import { db } from "@/lib/db";
import { replayDeadLetter } from "@/lib/dead-letters/replay";
import { STRIPE_ECHO_REASON } from "@/lib/sync/dispatch";
import { waitFor } from "@/test/app-inngest";
import {
  BATCH_UPSERT,
  control,
  counters,
  hub,
  hubspotContactWrites,
  mapFor,
  quiet,
  rawContact,
  str,
  stripe,
  setUpSyncHarness,
} from "@/lib/sync/sync-harness";

setUpSyncHarness();

/** Customer reads the Stripe sandbox answered (the app's re-reads and this file's own). */
const customerReads = async () => (await counters(str.url)).byRoute["GET /v1/customers/:customer"] ?? 0;

describe("Stripe → HubSpot", () => {
  it("upserts the contact from a new customer, links it, and drops the HubSpot echo", async () => {
    const writesBefore = await hubspotContactWrites();
    const readsBefore = await customerReads();
    const customer = await stripe.customers.create({
      email: "grace@example.com",
      name: "Grace Brewster Hopper",
      address: { line1: "1 Navy Way", city: "Arlington", country: "us", postal_code: "22201", state: "VA" },
    });
    const map = await mapFor({ stripeCustomerId: customer.id });
    const contact = await rawContact(map.hubspotContactId);
    expect(contact.properties).toMatchObject({
      email: "grace@example.com",
      firstname: "Grace Brewster",
      lastname: "Hopper",
      city: "Arlington",
      country: "US",
      zip: "22201",
      address: "1 Navy Way",
    });
    await quiet();
    // One contact write; the customer.updated our link causes is an echo and writes nothing more.
    expect((await hubspotContactWrites()) - writesBefore).toBe(1);
    // A new customer is written as its event shows it: no Stripe read on the way (decide.ts).
    expect((await customerReads()) - readsBefore).toBe(0);
    // The dispatcher dropped that echo before it became a sync run (lib/sync/dispatch.ts).
    const linkEchoes = await db().webhookEvent.findMany({
      where: {
        provider: "STRIPE",
        type: "customer.updated",
        payload: { path: ["data", "object", "id"], equals: customer.id },
      },
    });
    expect(linkEchoes.length).toBeGreaterThan(0);
    expect(linkEchoes.map((r) => [r.status, r.error])).toEqual(
      linkEchoes.map(() => ["IGNORED", STRIPE_ECHO_REASON]),
    );
    expect(
      ((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).metadata.hubspot_contact_id,
    ).toBe(map.hubspotContactId);
    expect(
      await db().syncLog.count({
        where: { direction: "hubspot_to_stripe", sourceId: map.hubspotContactId, outcome: "applied" },
      }),
    ).toBe(0);
    expect(
      await db().syncLog.count({
        where: { direction: "hubspot_to_stripe", sourceId: map.hubspotContactId, outcome: "skipped_echo" },
      }),
    ).toBeGreaterThan(0);
  });

  it("writes a batch, retries the 207-rejected record alone and dead-letters only it", async () => {
    str.webhooks.configure({ paused: true });
    const good1 = await stripe.customers.create({ email: "batch1@example.com", name: "Bat One" });
    const good2 = await stripe.customers.create({ email: "batch2@example.com", name: "Bat Two" });
    // Stripe accepts this address; HubSpot refuses it (INVALID_EMAIL).
    const bad = await stripe.customers.create({ email: "bad,comma@example.com", name: "Bad Email" });
    // Unpause whatever happens: a paused sandbox would starve every later test.
    try {
      const upsertsBefore = (await counters(hub.url)).byRoute[BATCH_UPSERT] ?? 0;
      // One send of three changes: the runner puts them in one batch.
      const created = Math.floor(Date.now() / 1000);
      await inngest.send(
        [good1, good2, bad].map((c, i) => ({
          name: stripeObjectChanged.name,
          data: { stripeEventId: `evt_batch_${i}`, type: "customer.created", objectId: c.id, created },
        })),
      );
      await mapFor({ stripeCustomerId: good1.id });
      await mapFor({ stripeCustomerId: good2.id });
      const dead = await waitFor(
        () => db().deadLetter.findFirst({ where: { subject: `STRIPE:customer:${bad.id}` } }),
        "dead letter for the bad customer",
      );
      expect(dead).toMatchObject({
        functionId: "sync-customer-to-hubspot",
        eventName: "revbridge/stripe.object.changed",
      });
      expect(dead.error).toContain("INVALID_EMAIL");
      // One batch upsert for the three, then the rejected one alone.
      expect(((await counters(hub.url)).byRoute[BATCH_UPSERT] ?? 0) - upsertsBefore).toBe(2);
      expect(await db().contactCustomerMap.count({ where: { stripeCustomerId: bad.id } })).toBe(0);
    } finally {
      str.webhooks.configure({ paused: false });
    }
    await quiet();
  });

  it("counts a checkout purchase once and puts it on the contact", async () => {
    const customer = await stripe.customers.create({ email: "buyer@example.com", name: "Bea Buyer" });
    const map = await mapFor({ stripeCustomerId: customer.id });
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      customer: customer.id,
      success_url: "https://example.com/ok",
      invoice_creation: { enabled: true },
      line_items: [
        {
          quantity: 1,
          price_data: { currency: "usd", unit_amount: 12_345, product_data: { name: "Tuition deposit" } },
        },
      ],
    });
    str.completeCheckoutSession(session.id);
    const purchase = await waitFor(
      () =>
        db().purchase.findFirst({ where: { stripeCustomerId: customer.id, hubspotSyncedAt: { not: null } } }),
      "purchase synced",
    );
    await quiet();
    const all = await db().purchase.findMany({ where: { stripeCustomerId: customer.id } });
    expect(all).toHaveLength(1);
    expect(purchase.amount).toBe(12_345);
    expect(all[0]!.sources).toEqual(
      expect.arrayContaining(["checkout.session.completed", "invoice.paid", "payment_intent.succeeded"]),
    );
    const events = await control<{ results: { objectId?: string }[] }>("/__sandbox/hubspot/events");
    expect(events.results.filter((e) => e.objectId === map.hubspotContactId)).toHaveLength(1);
    const contact = await rawContact(map.hubspotContactId);
    expect(contact.properties).toMatchObject({
      revbridge_lifetime_spend: "123.45",
      revbridge_currency: "USD",
    });
    // The purchase write counts as a sync to HubSpot on the pair (the Mappings page shows it).
    const after = await db().contactCustomerMap.findUniqueOrThrow({ where: { id: map.id } });
    expect(after.lastSyncToHubspotAt!.getTime()).toBeGreaterThan(map.lastSyncToHubspotAt!.getTime());
    expect(after.lastSyncToHubspotAt!.getTime()).toBeGreaterThanOrEqual(purchase.hubspotSyncedAt!.getTime());
  });

  it("a failed spend write is retried without sending the purchase event again", async () => {
    const customer = await stripe.customers.create({ email: "retry-spend@example.com", name: "Ray Retry" });
    const map = await mapFor({ stripeCustomerId: customer.id });
    // The event goes through; the contact's spend update fails on this attempt.
    hub.standIn.faults.configure({
      script: ["500", "500", "500"],
      pathPrefixes: ["/crm/v3/objects/contacts/batch/update"],
    });
    const intent = await stripe.paymentIntents.create({
      amount: 5_000,
      currency: "usd",
      customer: customer.id,
      confirm: true,
      payment_method: "pm_card_visa",
    });
    expect(intent.status).toBe("succeeded");
    // The faults stay on until the spend arrives: it must come from a retry, not from a lucky first try.
    await waitFor(
      async () => (await rawContact(map.hubspotContactId)).properties.revbridge_lifetime_spend === "50.00",
      "lifetime spend written by a retry",
      30_000,
    );
    const purchase = await waitFor(
      () =>
        db().purchase.findFirst({ where: { stripeCustomerId: customer.id, hubspotSyncedAt: { not: null } } }),
      "purchase marked synced",
    );
    hub.standIn.faults.configure({});
    await quiet();
    expect(purchase.hubspotContactId).toBe(map.hubspotContactId);
    const events = await control<{ results: { objectId?: string }[] }>("/__sandbox/hubspot/events");
    expect(events.results.filter((e) => e.objectId === map.hubspotContactId)).toHaveLength(1);
    expect((await rawContact(map.hubspotContactId)).properties).toMatchObject({
      revbridge_lifetime_spend: "50.00",
    });
  });

  it("writes one pair's states in Stripe's order: an older state landing late is overwritten by the newest", async () => {
    const customer = await stripe.customers.create({ email: "order@example.com", name: "Or Der" });
    const map = await mapFor({ stripeCustomerId: customer.id });
    await quiet();
    const UPDATE = "POST /crm/v3/objects/:objectType/batch/update";
    const updates = async () => (await counters(hub.url)).byRoute[UPDATE] ?? 0;
    const before = await updates();
    const readsBefore = await customerReads();
    // The first state's contact write is slow to land…
    hub.standIn.faults.configure({
      latencyMs: 4_000,
      pathPrefixes: ["/crm/v3/objects/contacts/batch/update"],
    });
    try {
      await stripe.customers.update(customer.id, { address: { city: "Oldtown" } });
      await waitFor(async () => (await updates()) > before, "first state's write in flight");
    } finally {
      hub.standIn.faults.configure({});
    }
    // …while a newer state (a clear second later: Stripe's `created` counts seconds) is written at once.
    await new Promise((r) => setTimeout(r, 1_100));
    await stripe.customers.update(customer.id, { address: { city: "Newtown" } });
    await waitFor(
      async () => (await rawContact(map.hubspotContactId)).properties.city === "Newtown",
      "newest state written",
    );
    // The older write lands after it; the newest state must be what HubSpot keeps.
    await new Promise((r) => setTimeout(r, 4_500));
    await quiet();
    expect((await rawContact(map.hubspotContactId)).properties.city).toBe("Newtown");
    // A paired customer's events are hints: each run read the customer again.
    expect((await customerReads()) - readsBefore).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it("dead-letters a change whose HubSpot writes keep failing until retries run out", async () => {
    const customer = await stripe.customers.create({ email: "outage@example.com", name: "Out Age" });
    const map = await mapFor({ stripeCustomerId: customer.id });
    await quiet();
    hub.standIn.faults.configure({ paused: true });
    await stripe.customers.update(customer.id, { address: { city: "Nowhere" } });
    const dead = await waitFor(
      () => db().deadLetter.findFirst({ where: { subject: `STRIPE:customer:${customer.id}` } }),
      "dead letter after retries",
      60_000,
    );
    expect(dead.attempts).toBeGreaterThan(1);
    // Read while HubSpot is still down: once it is back, another run for this pair may succeed at once.
    await waitFor(
      async () =>
        (await db().contactCustomerMap.findUniqueOrThrow({ where: { id: map.id } })).status === "error",
      "pair marked error",
    );
    hub.standIn.faults.configure({});
    // An operator replays it from the Dead letters page: it succeeds now that HubSpot is back.
    const operator = await db().user.create({ data: { email: "op@replay.test", role: "OPERATOR" } });
    const replay = await replayDeadLetter(dead.id, operator.id, { expectedReplayCount: 0 });
    expect(replay).toMatchObject({ replayCount: 1, eventId: `replay:${dead.id}:1` });
    await waitFor(
      async () => (await rawContact(map.hubspotContactId)).properties.city === "Nowhere",
      "replayed",
    );
    // A second press from the same (stale) screen is refused instead of sending again; the replay is audited.
    await expect(replayDeadLetter(dead.id, operator.id, { expectedReplayCount: 0 })).rejects.toMatchObject({
      code: "conflict",
    });
    expect(
      await db().auditLog.count({ where: { actorId: operator.id, target: `DeadLetter:${dead.id}` } }),
    ).toBe(1);
    await waitFor(
      async () =>
        (await db().contactCustomerMap.findUniqueOrThrow({ where: { id: map.id } })).status === "ok",
      "pair healthy again",
    );
  }, 90_000);
});
