/**
 * `newest`-owned fields (phone) edited on both sides within the sync latency (set-up: sync-harness.ts):
 * both sides must end with the newest edit by the providers' own timestamps — not crossed, not the
 * older one. The webhooks of both edits are held and released together, so both directions run at
 * once, as they do when the two edits are a second apart.
 */
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { normalise } from "@/lib/sync/mapping";
import { waitFor } from "@/test/app-inngest";
import {
  hooks,
  hub,
  mapFor,
  quiet,
  rawContact,
  salespersonCreates,
  salespersonEdits,
  setUpSyncHarness,
  str,
  stripe,
} from "@/lib/sync/sync-harness";

setUpSyncHarness();

const phone = (v: string | null | undefined) => normalise("phone", v);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Both sides' phone and name, canonical. */
async function sides(contactId: string, customerId: string) {
  const contact = await rawContact(contactId);
  const customer = (await stripe.customers.retrieve(customerId)) as Stripe.Customer;
  return {
    hubspot: phone(contact.properties.phone),
    stripe: phone(customer.phone),
    hubspotName: `${contact.properties.firstname} ${contact.properties.lastname}`,
    stripeName: customer.name,
  };
}

/** Runs `edits` with both providers' webhooks held, then releases them together. */
async function withHeldWebhooks(edits: () => Promise<void>): Promise<void> {
  hub.standIn.webhooks!.configure({ paused: true });
  str.webhooks.configure({ paused: true });
  try {
    // Stripe's `created` counts whole seconds: edits a clear second after the pair's last sync.
    await sleep(1_100);
    await edits();
    // HubSpot buffers changes for its batch window before delivery: let it hand them over first.
    await waitFor(() => hub.portal.webhooks.pending() === 0, "HubSpot webhook buffer flushed");
  } finally {
    hub.standIn.webhooks!.configure({ paused: false, targetUrl: hooks.hubspotUrl });
    str.webhooks.configure({ paused: false });
  }
}

async function newPair(email: string) {
  const contact = await salespersonCreates({
    email,
    firstname: "Ne",
    lastname: "West",
    phone: "+1 415 555 0100",
  });
  const map = await mapFor({ hubspotContactId: contact.id });
  await quiet();
  return map;
}

/** Waits for both sides to hold `expected`, lets everything settle, and checks they still do. */
async function expectConverged(
  map: { hubspotContactId: string; stripeCustomerId: string },
  expected: string,
) {
  await waitFor(
    async () => {
      const s = await sides(map.hubspotContactId, map.stripeCustomerId);
      return s.hubspot === expected && s.stripe === expected;
    },
    `both sides hold ${expected}`,
    20_000,
  ).catch(async (error: unknown) => {
    // Say why: the engine's decisions for the pair and the field clocks.
    const logs = await db().syncLog.findMany({
      where: { sourceId: { in: [map.hubspotContactId, map.stripeCustomerId] } },
      orderBy: { createdAt: "asc" },
    });
    const clocks = await db().fieldClock.findMany({});
    throw new Error(
      `${String(error)}: ${JSON.stringify(await sides(map.hubspotContactId, map.stripeCustomerId))}\n${logs.map((l) => `${l.direction} ${l.outcome} ${l.message}`).join("\n")}\n${JSON.stringify(clocks)}`,
    );
  });
  await quiet();
  const s = await sides(map.hubspotContactId, map.stripeCustomerId);
  expect({ hubspot: s.hubspot, stripe: s.stripe }).toEqual({ hubspot: expected, stripe: expected });
}

describe("`newest` fields edited on both sides within the sync latency", () => {
  it("a HubSpot edit then a newer Stripe edit: both sides end with Stripe's", async () => {
    const map = await newPair("cross-1@newest.test");
    await withHeldWebhooks(async () => {
      await salespersonEdits(map.hubspotContactId, { phone: "+1 415 555 0171" });
      // A clear second apart, so "newer" does not depend on Stripe's one-second resolution.
      await sleep(1_100);
      await stripe.customers.update(map.stripeCustomerId, { phone: "+14155550172" });
    });
    await expectConverged(map, "+14155550172");
  });

  it("a Stripe edit then a newer HubSpot edit: both sides end with HubSpot's", async () => {
    const map = await newPair("cross-2@newest.test");
    await withHeldWebhooks(async () => {
      await stripe.customers.update(map.stripeCustomerId, { phone: "+14155550181" });
      await sleep(1_100);
      await salespersonEdits(map.hubspotContactId, { phone: "+1 415 555 0182" });
    });
    await expectConverged(map, "+14155550182");
  });

  it("a later HubSpot edit of another field does not carry HubSpot's older phone over Stripe's newer one", async () => {
    const map = await newPair("cross-3@newest.test");
    await withHeldWebhooks(async () => {
      await stripe.customers.update(map.stripeCustomerId, { phone: "+14155550191" });
      await sleep(1_100);
      await salespersonEdits(map.hubspotContactId, { lastname: "Westerly" });
    });
    await expectConverged(map, "+14155550191");
    const s = await sides(map.hubspotContactId, map.stripeCustomerId);
    expect(s.stripeName).toBe("Ne Westerly");
  });
});
