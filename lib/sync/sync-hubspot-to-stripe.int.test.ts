/** HubSpot → Stripe, duplicates, out-of-order delivery, merges and deletions (set-up: sync-harness.ts). */
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { hubspotContactChanged } from "@/inngest/events";
import { db } from "@/lib/db";
import { createHubspotSigner } from "@/sandbox/hubspot";
import { buildStripeSignatureHeader } from "@/sandbox/stripe";
import { waitFor } from "@/test/app-inngest";
import {
  APP_ID,
  HUBSPOT_SECRET,
  STRIPE_SECRET,
  app,
  control,
  hooks,
  mapFor,
  quiet,
  rawContact,
  salespersonCreates,
  salespersonEdits,
  stripe,
  stripeCustomerWrites,
  setUpSyncHarness,
} from "@/lib/sync/sync-harness";

setUpSyncHarness();

describe("HubSpot → Stripe", () => {
  it("creates the Stripe customer from a new contact, and drops the customer.created echo", async () => {
    const contact = await salespersonCreates({
      email: "  Ada.Lovelace@Example.com ",
      firstname: "Ada",
      lastname: "Lovelace",
      phone: "(415) 555-0100",
    });
    const map = await mapFor({ hubspotContactId: contact.id });
    const customer = (await stripe.customers.retrieve(map.stripeCustomerId)) as Stripe.Customer;
    expect(customer).toMatchObject({
      email: "ada.lovelace@example.com",
      name: "Ada Lovelace",
      phone: "+14155550100",
      metadata: { hubspot_contact_id: contact.id },
    });
    await quiet();
    const echo = await db().syncLog.findFirst({
      where: { direction: "stripe_to_hubspot", sourceId: map.stripeCustomerId, outcome: "skipped_echo" },
    });
    expect(echo).not.toBeNull();
    expect(await db().writeLedger.count({ where: { system: "HUBSPOT", objectId: contact.id } })).toBe(0);
    const applied = await db().syncLog.findFirstOrThrow({
      where: { direction: "hubspot_to_stripe", sourceId: contact.id, outcome: "applied" },
    });
    expect(applied.lagMs).toBeGreaterThanOrEqual(0);
  });

  it("ignores duplicate deliveries (×3) and out-of-order events", async () => {
    const contact = await salespersonCreates({ email: "dup@example.com", firstname: "Dee", lastname: "Up" });
    const map = await mapFor({ hubspotContactId: contact.id });
    await quiet();
    const before = await stripeCustomerWrites();
    // The same signed delivery three times: an old change (before the state we synced).
    const body = JSON.stringify([
      {
        eventId: 77,
        subscriptionId: 1,
        portalId: 62515,
        appId: Number(APP_ID),
        occurredAt: (map.hubspotUpdatedAt?.getTime() ?? Date.now()) - 60_000,
        subscriptionType: "contact.propertyChange",
        attemptNumber: 0,
        objectId: Number(contact.id),
        changeSource: "CRM_UI",
        propertyName: "firstname",
        propertyValue: "Stale",
      },
    ]);
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const timestamp = Date.now();
      const headers = createHubspotSigner(() => HUBSPOT_SECRET)({
        method: "POST",
        url: hooks.hubspotUrl,
        body,
        attempt: i,
        timestamp,
      });
      const res = await fetch(hooks.hubspotUrl, { method: "POST", headers, body });
      answers.push((await res.json()) as { accepted: number; duplicates: number });
    }
    expect(answers.map((a) => a.accepted)).toEqual([1, 0, 0]);
    // And a Stripe event delivered three times more (it was delivered once already).
    const events = await stripe.events.list({ type: "customer.created", limit: 100 });
    const created = events.data.find((e) => (e.data.object as Stripe.Customer).id === map.stripeCustomerId)!;
    const payload = JSON.stringify(created);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(hooks.stripeUrl, {
        method: "POST",
        headers: {
          "stripe-signature": buildStripeSignatureHeader(
            STRIPE_SECRET,
            Math.floor(Date.now() / 1000),
            payload,
          ),
          "content-type": "application/json",
        },
        body: payload,
      });
      expect(((await res.json()) as { duplicates: number }).duplicates).toBe(1);
    }
    // Settled first, so the stale webhook's decision and this one land in separate batches.
    await quiet();
    // Out of order, past the inbox: an older domain event for the contact.
    await app.send(hubspotContactChanged.name, {
      contactId: contact.id,
      occurredAt: 1_000,
      subscriptionType: "contact.propertyChange",
      changeSource: "CRM_UI",
    });
    await quiet();
    expect(await stripeCustomerWrites()).toBe(before);
    expect(((await stripe.customers.retrieve(map.stripeCustomerId)) as Stripe.Customer).name).toBe("Dee Up");
    expect(
      await db().syncLog.count({ where: { sourceId: contact.id, outcome: "skipped_stale" } }),
    ).toBeGreaterThanOrEqual(2);
  });

  it("a salesperson's edit updates the customer once (the HubSpot echo of nothing follows)", async () => {
    const contact = await salespersonCreates({ email: "edit@example.com", firstname: "Ed", lastname: "It" });
    const map = await mapFor({ hubspotContactId: contact.id });
    await quiet();
    const before = await stripeCustomerWrites();
    await salespersonEdits(contact.id, { lastname: "Ited", phone: "+44 20 7946 0018" });
    await waitFor(
      async () =>
        ((await stripe.customers.retrieve(map.stripeCustomerId)) as Stripe.Customer).name === "Ed Ited",
      "customer renamed",
    );
    await quiet();
    expect(await stripeCustomerWrites()).toBe(before + 1);
    expect(((await stripe.customers.retrieve(map.stripeCustomerId)) as Stripe.Customer).phone).toBe(
      "+442079460018",
    );
  });
});

describe("merges and deletions", () => {
  it("remaps the pair when the mapped contact is merged into another", async () => {
    const a = await salespersonCreates({ email: "merge-a@example.com", firstname: "Mer", lastname: "Ged" });
    const map = await mapFor({ hubspotContactId: a.id });
    await quiet();
    const b = await salespersonCreates({ email: "merge-b@example.com" });
    // b has no mapping yet when the merge lands only if its own sync has not run: make sure it has.
    await mapFor({ hubspotContactId: b.id });
    await quiet();
    await db().contactCustomerMap.deleteMany({ where: { hubspotContactId: b.id } });
    await control("/__sandbox/hubspot/contacts/merge", { primaryObjectId: b.id, objectIdToMerge: a.id });
    await waitFor(
      () => db().contactCustomerMap.findFirst({ where: { id: map.id, hubspotContactId: b.id } }),
      "pair remapped to the surviving contact",
    );
  });

  it("marks the mapping when the Stripe customer is deleted and keeps the contact", async () => {
    const customer = await stripe.customers.create({ email: "gone@example.com", name: "Gone Soon" });
    const map = await mapFor({ stripeCustomerId: customer.id });
    await quiet();
    await stripe.customers.del(customer.id);
    await waitFor(
      () => db().contactCustomerMap.findFirst({ where: { id: map.id, status: "customer_deleted" } }),
      "mapping marked",
    );
    expect((await rawContact(map.hubspotContactId)).id).toBe(map.hubspotContactId);
  });
});
