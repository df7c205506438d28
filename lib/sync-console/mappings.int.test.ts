import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inngest } from "@/inngest/client";
import { db } from "@/lib/db";
import { withFreshDatabase } from "@/test/db";
import { startAppInngest, waitFor, type TAppInngest } from "@/test/app-inngest";
import { restoreAppEnv, stubAppEnv } from "@/test/env";
import { listMappings, mappingHistory } from "./mappings";
import { requestResync, requestResyncFiltered } from "./resync";

const database = withFreshDatabase();
const RESYNC = "revbridge/sync.resync.requested";

// Stands in for the engine's consumer so the runner has an app to sync; the assertions read the runner's event log.
const consumer = inngest.createFunction(
  { id: "resync-consumer-fixture", triggers: [{ event: RESYNC }], retries: 0 },
  () => "ok",
);

let app: TAppInngest;
let operatorId: string;

beforeAll(async () => {
  stubAppEnv(database.url());
  app = await startAppInngest({ functions: [consumer] });
  operatorId = (await db().user.create({ data: { email: "op@x.test", role: "OPERATOR" } })).id;
  await db().contactCustomerMap.createMany({
    data: [
      { hubspotContactId: "101", stripeCustomerId: "cus_A", email: "ana@example.com" },
      {
        hubspotContactId: "102",
        stripeCustomerId: "cus_B",
        email: "bo@example.com",
        status: "error",
        lastError: "400",
      },
      { hubspotContactId: "103", stripeCustomerId: "cus_C", email: "cy@other.test" },
    ],
  });
});

afterAll(async () => {
  await app.close();
  restoreAppEnv();
});

async function resyncEvents(): Promise<
  { id: string; data: { system: string; objectId: string }; duplicate: boolean }[]
> {
  const res = await fetch(`${app.runnerUrl}/v1/events?name=${encodeURIComponent(RESYNC)}&limit=1000`);
  return ((await res.json()) as { data: never[] }).data;
}

describe("Mappings", () => {
  it("searches by email fragment or either id and filters by status", async () => {
    expect((await listMappings({ q: "example.com", status: "all" })).total).toBe(2);
    expect((await listMappings({ q: "cus_C", status: "all" })).rows.map((r) => r.hubspotContactId)).toEqual([
      "103",
    ]);
    expect((await listMappings({ q: "102", status: "all" })).rows.map((r) => r.email)).toEqual([
      "bo@example.com",
    ]);
    expect((await listMappings({ status: "error" })).rows.map((r) => r.hubspotContactId)).toEqual(["102"]);
    expect((await listMappings({ status: "all" }, { limit: 2, offset: 2 })).rows).toHaveLength(1);
  });

  it("history merges inbox deliveries, decisions, writes and purchases for both sides, newest first", async () => {
    const t = (s: number) => new Date(Date.UTC(2026, 10, 22, 10, 0, s));
    await db().webhookEvent.createMany({
      data: [
        {
          provider: "HUBSPOT",
          dedupeKey: "h1",
          type: "contact.propertyChange",
          payload: { objectId: 101, subscriptionType: "contact.propertyChange" },
          receivedAt: t(1),
          status: "PROCESSED",
        },
        {
          provider: "STRIPE",
          dedupeKey: "evt_1",
          type: "invoice.paid",
          payload: { id: "evt_1", data: { object: { id: "in_1", customer: "cus_A" } } },
          receivedAt: t(5),
          status: "PROCESSED",
        },
        {
          provider: "HUBSPOT",
          dedupeKey: "h2",
          type: "contact.propertyChange",
          payload: { objectId: 999 },
          receivedAt: t(6),
        },
      ],
    });
    await db().syncLog.createMany({
      data: [
        {
          direction: "hubspot_to_stripe",
          outcome: "applied",
          sourceSystem: "HUBSPOT",
          sourceId: "101",
          targetSystem: "STRIPE",
          targetId: "cus_A",
          statusCode: 200,
          lagMs: 850,
          createdAt: t(2),
        },
        {
          direction: "stripe_to_hubspot",
          outcome: "skipped_echo",
          sourceSystem: "STRIPE",
          sourceId: "cus_A",
          createdAt: t(4),
        },
        {
          direction: "hubspot_to_stripe",
          outcome: "applied",
          sourceSystem: "HUBSPOT",
          sourceId: "103",
          createdAt: t(3),
        },
      ],
    });
    await db().writeLedger.create({
      data: {
        system: "STRIPE",
        objectId: "cus_A",
        fieldHash: "h",
        fields: ["email", "name"],
        writtenAt: t(2),
      },
    });
    await db().purchase.create({
      data: {
        purchaseKey: "pi_1",
        stripeCustomerId: "cus_A",
        amount: 12_50,
        currency: "usd",
        paidAt: t(5),
        sources: ["invoice.paid"],
      },
    });
    const id = (await db().contactCustomerMap.findUniqueOrThrow({ where: { hubspotContactId: "101" } })).id;
    const { mapping, entries } = await mappingHistory(id);
    expect(mapping.stripeCustomerId).toBe("cus_A");
    expect(entries.map((e) => [e.kind, e.summary])).toEqual([
      ["webhook", "invoice.paid"],
      ["purchase", "purchase 12.50 USD"],
      ["decision", "skipped_echo"],
      ["decision", "applied"],
      ["write", "wrote email, name"],
      ["webhook", "contact.propertyChange"],
    ]);
    expect(entries.find((e) => e.summary === "applied")).toMatchObject({ statusCode: 200, lagMs: 850 });
    await expect(mappingHistory("nope")).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("manual resync", () => {
  it("one record: sends one event (a double click inside 10 s is one send) and audits", async () => {
    const now = new Date();
    const [a, b] = await Promise.all([
      requestResync({ system: "HUBSPOT", objectId: "101" }, operatorId, { now }),
      requestResync({ system: "HUBSPOT", objectId: "101" }, operatorId, { now }),
    ]);
    expect(a.eventId).toBe(b.eventId);
    const sent = (await resyncEvents()).filter((e) => e.data.objectId === "101");
    expect(sent.filter((e) => !e.duplicate)).toHaveLength(1);
    expect(sent[0]!.data).toMatchObject({ system: "HUBSPOT", objectId: "101", requestedById: operatorId });
    expect(await db().auditLog.count({ where: { action: "sync.resync", target: "HUBSPOT:101" } })).toBe(2);
  });

  it("a filtered set: one event per matching pair from the chosen side, audited once", async () => {
    const result = await requestResyncFiltered(
      { system: "STRIPE", filter: { q: "example.com", status: "all" } },
      operatorId,
    );
    expect(result).toEqual({ requested: 2, matched: 2 });
    const sent = await waitFor(async () => {
      const found = (await resyncEvents()).filter((e) => e.data.system === "STRIPE");
      return found.length >= 2 ? found : undefined;
    }, "two STRIPE resync events");
    expect(sent.map((e) => e.data.objectId).sort()).toEqual(["cus_A", "cus_B"]);
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "sync.resync_filtered" } });
    expect(audit.details).toMatchObject({ requested: 2, matched: 2 });
  });
});
