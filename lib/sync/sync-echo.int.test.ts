/**
 * Echo suppression must not swallow real changes (set-up: sync-harness.ts): edits by people right
 * after RevBridge wrote the same record — to fields it did not write, or back to a value it wrote
 * before — reach the other side, while the echoes of its own writes still write nothing.
 */
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { waitFor } from "@/test/app-inngest";
import {
  hubspotContactWrites,
  mapFor,
  quiet,
  rawContact,
  salespersonCreates,
  salespersonEdits,
  setUpSyncHarness,
  stripe,
  stripeCustomerWrites,
} from "@/lib/sync/sync-harness";

setUpSyncHarness();

const customer = async (id: string) => (await stripe.customers.retrieve(id)) as Stripe.Customer;

describe("echo suppression and real changes", () => {
  it("a clerk's Stripe edit to a field RevBridge did not write, just after its write, reaches HubSpot", async () => {
    const contact = await salespersonCreates({ email: "race@hub.test", firstname: "Ray", lastname: "Ce" });
    const map = await mapFor({ hubspotContactId: contact.id });
    await quiet();
    // RevBridge writes the customer's name (HubSpot owns it)…
    await salespersonEdits(contact.id, { lastname: "Cer" });
    await waitFor(async () => (await customer(map.stripeCustomerId)).name === "Ray Cer", "name written");
    await quiet();
    // …and a clerk then sets the address in Stripe: the name still matches RevBridge's write.
    const hubspotWrites = await hubspotContactWrites();
    await stripe.customers.update(map.stripeCustomerId, { address: { city: "Racine", country: "US" } });
    await waitFor(
      async () => (await rawContact(contact.id)).properties.city === "Racine",
      "address copied to HubSpot",
    );
    await quiet();
    expect((await rawContact(contact.id)).properties.country).toBe("US");
    // One write, counted as a near-miss (it looked like RevBridge's own write), and no echo loop.
    expect((await hubspotContactWrites()) - hubspotWrites).toBe(1);
    const applied = await db().syncLog.findFirst({
      where: { direction: "stripe_to_hubspot", sourceId: map.stripeCustomerId, outcome: "applied" },
      orderBy: { createdAt: "desc" },
    });
    expect(applied?.message).toMatch(/^near-miss echo/);
  });

  it("a phone set back in HubSpot to the value RevBridge last wrote to Stripe still reaches Stripe", async () => {
    const contact = await salespersonCreates({ email: "phone@hub.test", firstname: "Pho", lastname: "Ne" });
    const map = await mapFor({ hubspotContactId: contact.id });
    await quiet();
    // HubSpot → Stripe: phone A (phone is `newest`: either side may change it).
    await salespersonEdits(contact.id, { phone: "+1 415 555 0161" });
    await waitFor(async () => (await customer(map.stripeCustomerId)).phone === "+14155550161", "A in Stripe");
    await quiet();
    // Stripe → HubSpot: a clerk sets B.
    await stripe.customers.update(map.stripeCustomerId, { phone: "+14155550162" });
    await waitFor(
      async () => (await rawContact(contact.id)).properties.phone === "+14155550162",
      "B in HubSpot",
    );
    await quiet();
    // The salesperson puts A back: RevBridge's last write to Stripe was A, but Stripe holds B now.
    const stripeWrites = await stripeCustomerWrites();
    await salespersonEdits(contact.id, { phone: "+1 415 555 0161" });
    await waitFor(
      async () => (await customer(map.stripeCustomerId)).phone === "+14155550161",
      "A in Stripe again",
    );
    await quiet();
    expect((await stripeCustomerWrites()) - stripeWrites).toBe(1);
    expect((await rawContact(contact.id)).properties.phone).toBe("+1 415 555 0161");
  });
});
