/**
 * The initial sync (backfill) as a resumable job, and manual resync per record and for a filtered set
 * through the console routes (OPERATOR only, audited) — run for real: sandboxes, intake, runner and
 * the app's functions (set-up: sync-harness.ts). Webhooks are switched off while records are made, so
 * only the backfill or the resync can sync them.
 */
import type * as NextAuth from "next-auth";
import type Stripe from "stripe";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { POST as backfillRoute } from "@/app/api/console/sync/backfill/route";
import { POST as resyncRoute } from "@/app/api/console/sync/resync/route";
import { syncBackfillFunction } from "@/inngest/functions/sync-backfill";
import { db } from "@/lib/db";
import { readBackfill } from "@/lib/sync/backfill";
import { waitFor } from "@/test/app-inngest";
import { consoleRequest } from "@/test/console-request";
import {
  counters,
  hub,
  mapFor,
  quiet,
  rawContact,
  salespersonCreates,
  salespersonEdits,
  setUpSyncHarness,
  str,
  stripe,
  withoutWebhooks,
} from "@/lib/sync/sync-harness";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof NextAuth>()),
  getServerSession: () => Promise.resolve(session.userId ? { user: { id: session.userId } } : null),
}));

setUpSyncHarness({ extraFunctions: [syncBackfillFunction] });

const users = { VIEWER: "", OPERATOR: "" };
const as = (role: keyof typeof users) => {
  session.userId = users[role];
};
const ctx = { params: Promise.resolve({}) };
const SEARCH = "POST /crm/v3/objects/:objectType/search";

beforeAll(async () => {
  for (const role of ["VIEWER", "OPERATOR"] as const) {
    users[role] = (await db().user.create({ data: { email: `${role.toLowerCase()}@sync.test`, role } })).id;
  }
});

const stripeCustomer = async (id: string) => (await stripe.customers.retrieve(id)) as Stripe.Customer;

describe("initial sync (backfill)", () => {
  it("syncs every Stripe customer and the HubSpot contacts of the chosen stages; a failure is recorded and resumed", async () => {
    const seeded = await withoutWebhooks(async () => ({
      customers: await Promise.all(
        [1, 2, 3].map((i) =>
          stripe.customers.create({ email: `legacy${i}@stripe.test`, name: `Legacy Buyer${i}` }),
        ),
      ),
      customersStage: await Promise.all(
        [1, 2].map((i) =>
          salespersonCreates({
            email: `cust${i}@hub.test`,
            firstname: "Cus",
            lastname: `Tomer${i}`,
            lifecyclestage: "customer",
          }),
        ),
      ),
      lead: await salespersonCreates({
        email: "lead@hub.test",
        firstname: "Lee",
        lastname: "Ad",
        lifecyclestage: "lead",
      }),
    }));
    expect(await db().contactCustomerMap.count()).toBe(0);

    // Stripe is down for reading customers when the backfill reaches them (after the HubSpot page).
    await fetch(`${str.url}/__sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ paused: true, pathPrefixes: ["/v1/customers"] }),
    });
    as("OPERATOR");
    const started = await backfillRoute(
      consoleRequest("POST", "/api/console/sync/backfill", {
        direction: "both",
        lifecycleStages: ["customer"],
      }),
      ctx,
    );
    expect(started.status).toBe(200);
    const failed = await waitFor(
      async () => {
        const p = await readBackfill();
        return p.status === "failed" ? p : undefined;
      },
      "backfill marked failed",
      30_000,
    ).finally(() =>
      fetch(`${str.url}/__sandbox/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({}),
      }),
    );
    // The HubSpot page was read and saved before the failure; the error says what failed.
    expect(failed).toMatchObject({ hubspot: { done: true, sent: 2 }, stripe: { done: false, cursor: null } });
    expect(failed.error).toMatch(/Stripe 503/);
    expect(await db().deadLetter.count({ where: { functionId: "sync-backfill" } })).toBe(1);
    const searchesBefore = (await counters(hub.url)).byRoute[SEARCH] ?? 0;

    // The operator presses again: the run resumes from the saved cursor (HubSpot is not read again).
    const resumed = await backfillRoute(
      consoleRequest("POST", "/api/console/sync/backfill", {
        direction: "both",
        lifecycleStages: ["customer"],
      }),
      ctx,
    );
    expect(await resumed.json()).toMatchObject({ resumed: true });
    const done = await waitFor(
      async () => {
        const p = await readBackfill();
        return p.status === "done" ? p : undefined;
      },
      "backfill done",
      30_000,
    );
    expect(done).toMatchObject({ error: null, hubspot: { sent: 2 }, stripe: { done: true } });
    expect(done.stripe.sent).toBeGreaterThanOrEqual(3);
    expect(done.runId).not.toBe(failed.runId);
    expect((await counters(hub.url)).byRoute[SEARCH] ?? 0).toBe(searchesBefore);

    // Every Stripe customer now has its contact; the customer-stage contacts have customers; the lead not.
    for (const c of seeded.customers) {
      const map = await mapFor({ stripeCustomerId: c.id });
      expect((await rawContact(map.hubspotContactId)).properties.email).toBe(c.email);
    }
    for (const c of seeded.customersStage) {
      const map = await mapFor({ hubspotContactId: c.id });
      expect((await stripeCustomer(map.stripeCustomerId)).email).toBe(c.properties.email);
    }
    await quiet();
    expect(await db().contactCustomerMap.count({ where: { hubspotContactId: seeded.lead.id } })).toBe(0);
    const audits = await db().auditLog.findMany({
      where: { action: "sync.backfill" },
      orderBy: { createdAt: "asc" },
    });
    expect(audits.map((a) => [a.actorId, (a.details as { resumed: boolean }).resumed])).toEqual([
      [users.OPERATOR, false],
      [users.OPERATOR, true],
    ]);
  }, 120_000);
});

describe("manual resync", () => {
  it("one record, OPERATOR only and audited: a change the webhooks missed is pushed across", async () => {
    const contact = await salespersonCreates({
      email: "resync-one@hub.test",
      firstname: "Re",
      lastname: "Sync",
    });
    const map = await mapFor({ hubspotContactId: contact.id });
    await quiet();
    await withoutWebhooks(() => salespersonEdits(contact.id, { lastname: "Synced" }));

    as("VIEWER");
    const refused = await resyncRoute(
      consoleRequest("POST", "/api/console/sync/resync", { system: "HUBSPOT", objectId: contact.id }),
      ctx,
    );
    expect(refused.status).toBe(403);
    const bad = await resyncRoute(
      consoleRequest("POST", "/api/console/sync/resync", { system: "HUBSPOT" }),
      ctx,
    );
    expect(bad.status).toBe(403); // role is checked before the body
    as("OPERATOR");
    const invalid = await resyncRoute(
      consoleRequest("POST", "/api/console/sync/resync", { system: "SALESFORCE", objectId: contact.id }),
      ctx,
    );
    expect(invalid.status).toBe(400);
    expect(await db().auditLog.count({ where: { action: "sync.resync" } })).toBe(0);
    expect((await stripeCustomer(map.stripeCustomerId)).name).toBe("Re Sync");

    const ok = await resyncRoute(
      consoleRequest("POST", "/api/console/sync/resync", { system: "HUBSPOT", objectId: contact.id }),
      ctx,
    );
    expect(ok.status).toBe(200);
    await waitFor(async () => (await stripeCustomer(map.stripeCustomerId)).name === "Re Synced", "resynced");
    expect(await db().auditLog.findFirst({ where: { action: "sync.resync" } })).toMatchObject({
      actorId: users.OPERATOR,
      target: `HUBSPOT:${contact.id}`,
    });
  });

  it("a filtered set from Stripe: every matching pair is pushed to HubSpot, others are not", async () => {
    const made = await Promise.all(
      ["a", "b", "c"].map((x) =>
        stripe.customers.create({ email: `filtered-${x}@billing.test`, name: `Fil ${x}` }),
      ),
    );
    const other = await stripe.customers.create({ email: "outside@else.test", name: "Out Side" });
    const maps = await Promise.all([...made, other].map((c) => mapFor({ stripeCustomerId: c.id })));
    await quiet();
    await withoutWebhooks(async () => {
      for (const c of [...made, other])
        await stripe.customers.update(c.id, { address: { city: "Resyncville" } });
    });

    as("VIEWER");
    const filtered = { system: "STRIPE", filter: { q: "@billing.test" } };
    expect(
      (await resyncRoute(consoleRequest("POST", "/api/console/sync/resync", filtered), ctx)).status,
    ).toBe(403);
    as("OPERATOR");
    const res = await resyncRoute(consoleRequest("POST", "/api/console/sync/resync", filtered), ctx);
    expect(await res.json()).toEqual({ requested: 3, matched: 3 });
    for (const m of maps.slice(0, 3)) {
      await waitFor(
        async () => (await rawContact(m.hubspotContactId)).properties.city === "Resyncville",
        `contact ${m.hubspotContactId} resynced`,
      );
    }
    await quiet();
    expect((await rawContact(maps[3]!.hubspotContactId)).properties.city ?? null).toBeNull();
    expect(await db().auditLog.findFirst({ where: { action: "sync.resync_filtered" } })).toMatchObject({
      actorId: users.OPERATOR,
      details: { requested: 3, matched: 3 },
    });
  });
});
