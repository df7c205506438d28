/**
 * The hourly catch-up repairing missed webhooks, for real: the cron function runs on the local runner
 * (its hour compressed to a few seconds), reads Stripe's event list and HubSpot's recently modified
 * contacts, and feeds the same sync functions (set-up: sync-harness.ts). Webhooks are switched off
 * while the changes are made, so nothing but the catch-up can sync them.
 */
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { syncCatchUpFunction } from "@/inngest/functions/sync-catch-up";
import { db } from "@/lib/db";
import { waitFor } from "@/test/app-inngest";
import {
  app,
  mapFor,
  quiet,
  rawContact,
  salespersonCreates,
  salespersonEdits,
  setUpSyncHarness,
  stripe,
  stripeCustomerWrites,
  withoutWebhooks,
} from "@/lib/sync/sync-harness";

setUpSyncHarness({ extraFunctions: [syncCatchUpFunction] });

/** Waits for this many more finished catch-up runs than there are now (each is one cron tick). */
async function catchUpTicks(n: number) {
  const finished = async () =>
    (await app.runs("sync-catch-up")).filter((r) => r.status === "Completed" || r.status === "Failed");
  const before = (await finished()).length;
  return waitFor(
    async () => {
      const now = await finished();
      return now.length >= before + n ? now : undefined;
    },
    `${n} catch-up tick(s)`,
    30_000,
  );
}

describe("catch-up cron", () => {
  it("syncs a Stripe customer whose webhook never arrived (found in Stripe's event list)", async () => {
    const customer = await withoutWebhooks(() =>
      stripe.customers.create({ email: "missed@stripe.test", name: "Miss Ed" }),
    );
    const created = (await stripe.events.list({ type: "customer.created", limit: 100 })).data.find(
      (e) => (e.data.object as Stripe.Customer).id === customer.id,
    )!;
    const map = await mapFor({ stripeCustomerId: customer.id });
    expect((await rawContact(map.hubspotContactId)).properties).toMatchObject({
      email: "missed@stripe.test",
      firstname: "Miss",
      lastname: "Ed",
    });
    // It came from the catch-up, not the intake: the inbox never saw the event.
    expect(await db().webhookEvent.count({ where: { provider: "STRIPE", dedupeKey: created.id } })).toBe(0);
    const runs = await app.runs("sync-catch-up");
    expect(runs.some((r) => ((r.output as { stripe?: number } | null)?.stripe ?? 0) >= 1)).toBe(true);
  });

  it("pushes a HubSpot edit whose webhook was lost (found by searching recently modified contacts), once", async () => {
    const contact = await salespersonCreates({
      email: "lost-edit@hub.test",
      firstname: "Lo",
      lastname: "St",
    });
    const map = await mapFor({ hubspotContactId: contact.id });
    await quiet();
    const before = await stripeCustomerWrites();
    await withoutWebhooks(() =>
      salespersonEdits(contact.id, { lastname: "Found", phone: "+1 415 555 0142" }),
    );
    await waitFor(
      async () =>
        ((await stripe.customers.retrieve(map.stripeCustomerId)) as Stripe.Customer).name === "Lo Found",
      "customer repaired by the catch-up",
      30_000,
    );
    expect(((await stripe.customers.retrieve(map.stripeCustomerId)) as Stripe.Customer).phone).toBe(
      "+14155550142",
    );
    // Later ticks see the contact as synced and write nothing more.
    await catchUpTicks(2);
    await quiet();
    expect(await stripeCustomerWrites()).toBe(before + 1);
  });

  it("a contact created while webhooks were down gets its Stripe customer", async () => {
    const contact = await withoutWebhooks(() =>
      salespersonCreates({ email: "created-offline@hub.test", firstname: "Off", lastname: "Line" }),
    );
    const map = await mapFor({ hubspotContactId: contact.id });
    expect(((await stripe.customers.retrieve(map.stripeCustomerId)) as Stripe.Customer).email).toBe(
      "created-offline@hub.test",
    );
  });
});
