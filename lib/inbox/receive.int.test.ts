import { Signature } from "@hubspot/api-client";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { resetEnvCacheForTests } from "@/lib/env";
import { withFreshDatabase } from "@/test/db";
import type { TInngestEvent, TSendEvents } from "./hand-off";
import { receiveHubspotWebhook, receiveStripeWebhook } from "./receive";
import { STRIPE_ECHO_REASON } from "@/lib/sync/dispatch";
import { STRIPE_IDEMPOTENCY_PREFIX } from "@/lib/sync/echo";

const database = withFreshDatabase();
const STRIPE_SECRET = "whsec_receive_test";
const HUBSPOT_SECRET = "hubspot-receive-test";
const APP_URL = "https://revbridge.example";

beforeAll(() => {
  vi.stubEnv("DATABASE_URL", database.url());
  vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(32));
  vi.stubEnv("APP_URL", APP_URL);
  vi.stubEnv("STRIPE_WEBHOOK_SECRET", STRIPE_SECRET);
  vi.stubEnv("HUBSPOT_CLIENT_SECRET", HUBSPOT_SECRET);
  resetEnvCacheForTests();
});
afterAll(() => {
  vi.unstubAllEnvs();
  resetEnvCacheForTests();
});
beforeEach(async () => {
  await db().webhookEvent.deleteMany();
});

let sent: TInngestEvent[] = [];
const recorder: TSendEvents = (events) => {
  sent.push(...events);
  return Promise.resolve();
};
beforeEach(() => {
  sent = [];
});

function stripeRequest(event: object, opts: { secret?: string; timestamp?: number } = {}): Request {
  const payload = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: opts.secret ?? STRIPE_SECRET,
    ...(opts.timestamp ? { timestamp: opts.timestamp } : {}),
  });
  return new Request(`${APP_URL}/api/webhooks/stripe`, {
    method: "POST",
    body: payload,
    headers: { "stripe-signature": signature, "content-type": "application/json" },
  });
}

function hubspotRequest(events: object[], opts: { url?: string; timestamp?: number } = {}): Request {
  const url = opts.url ?? `${APP_URL}/api/webhooks/hubspot`;
  const body = JSON.stringify(events);
  const timestamp = opts.timestamp ?? Date.now();
  const signature = Signature.getSignature("POST", "v3", {
    clientSecret: HUBSPOT_SECRET,
    requestBody: body,
    url,
    timestamp,
    signature: "",
  });
  return new Request(url, {
    method: "POST",
    body,
    headers: { "x-hubspot-signature-v3": signature, "x-hubspot-request-timestamp": String(timestamp) },
  });
}

const customerCreated = {
  id: "evt_1",
  object: "event",
  type: "customer.created",
  created: 1,
  data: { object: { id: "cus_1" } },
};
const contactEvent = (eventId: number, objectId: number, subscriptionType = "contact.creation") => ({
  eventId,
  subscriptionId: 1,
  portalId: 1,
  occurredAt: 1_700_000_000_000 + eventId,
  subscriptionType,
  attemptNumber: 0,
  objectId,
});

describe("Stripe webhook intake", () => {
  it("stores a delivery once and hands it to Inngest with the provider's id, however often it arrives", async () => {
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push(await receiveStripeWebhook(stripeRequest(customerCreated), recorder));
    expect(results.map((r) => r.accepted)).toEqual([1, 0, 0]);
    expect(results.map((r) => r.duplicates)).toEqual([0, 1, 1]);
    const rows = await db().webhookEvent.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      provider: "STRIPE",
      dedupeKey: "evt_1",
      type: "customer.created",
      status: "HANDED_OFF",
    });
    expect(rows[0]?.bodySha256).toMatch(/^[0-9a-f]{64}$/);
    expect(sent.map((e) => e.id)).toEqual(["webhook:STRIPE:evt_1"]);
  });

  it("acknowledges but drops event types RevBridge does not handle", async () => {
    const result = await receiveStripeWebhook(
      stripeRequest({ ...customerCreated, id: "evt_2", type: "balance.available" }),
      recorder,
    );
    expect(result).toMatchObject({ accepted: 0, ignored: 1 });
    expect(await db().webhookEvent.count()).toBe(0);
  });

  it("refuses a bad signature or a replayed old delivery with 400 and stores nothing", async () => {
    await expect(
      receiveStripeWebhook(stripeRequest(customerCreated, { secret: "whsec_wrong" }), recorder),
    ).rejects.toMatchObject({
      status: 400,
    });
    const old = Math.floor(Date.now() / 1000) - 3600;
    await expect(
      receiveStripeWebhook(stripeRequest(customerCreated, { timestamp: old }), recorder),
    ).rejects.toMatchObject({
      status: 400,
    });
    expect(await db().webhookEvent.count()).toBe(0);
    expect(sent).toHaveLength(0);
  });

  it("keeps an accepted delivery RECEIVED for the sweeper when Inngest cannot be reached", async () => {
    const failing: TSendEvents = () => Promise.reject(new Error("connection refused"));
    const result = await receiveStripeWebhook(stripeRequest({ ...customerCreated, id: "evt_3" }), failing);
    expect(result).toMatchObject({ accepted: 1, handedOff: 0 });
    expect((await db().webhookEvent.findFirstOrThrow()).status).toBe("RECEIVED");
  });
});

describe("Stripe echoes of RevBridge's own writes", () => {
  const ownWrite = {
    ...customerCreated,
    id: "evt_echo",
    data: { object: { id: "cus_echo", metadata: { hubspot_contact_id: "501" } } },
    request: { id: "req_1", idempotency_key: `${STRIPE_IDEMPOTENCY_PREFIX}create:501` },
  };

  it("are stored IGNORED with their SyncLog entry on arrival and never handed to Inngest", async () => {
    const r = await receiveStripeWebhook(stripeRequest(ownWrite), recorder);
    expect(r).toMatchObject({ accepted: 1, handedOff: 0 });
    expect(sent).toHaveLength(0);
    const row = await db().webhookEvent.findUniqueOrThrow({
      where: { provider_dedupeKey: { provider: "STRIPE", dedupeKey: "evt_echo" } },
    });
    expect(row).toMatchObject({ status: "IGNORED", error: STRIPE_ECHO_REASON });
    expect(row.processedAt).not.toBeNull();
    const logs = await db().syncLog.findMany({ where: { webhookEventId: row.id } });
    expect(logs).toEqual([
      expect.objectContaining({ outcome: "skipped_echo", sourceId: "cus_echo", targetId: "501" }),
    ]);
    // A repeated delivery changes nothing and logs nothing twice.
    await receiveStripeWebhook(stripeRequest(ownWrite), recorder);
    expect(await db().syncLog.count({ where: { webhookEventId: row.id } })).toBe(1);
  });

  it("someone else's customer change still goes to Inngest", async () => {
    const foreign = {
      ...ownWrite,
      id: "evt_foreign",
      request: { id: "req_2", idempotency_key: "dashboard-1" },
    };
    await receiveStripeWebhook(stripeRequest(foreign), recorder);
    expect(sent).toHaveLength(1);
    const row = await db().webhookEvent.findUniqueOrThrow({
      where: { provider_dedupeKey: { provider: "STRIPE", dedupeKey: "evt_foreign" } },
    });
    expect(row.status).toBe("HANDED_OFF");
  });
});

describe("HubSpot webhook intake", () => {
  it("splits a batch into inbox rows, dedupes on the composite key, drops unhandled types", async () => {
    const batch = [
      contactEvent(1, 100),
      contactEvent(1, 101), // same eventId, other object: a different delivery
      contactEvent(2, 100, "contact.propertyChange"),
      contactEvent(3, 5, "company.creation"),
    ];
    const first = await receiveHubspotWebhook(hubspotRequest(batch), recorder);
    expect(first).toMatchObject({ accepted: 3, duplicates: 0, ignored: 1 });
    const again = await receiveHubspotWebhook(hubspotRequest(batch), recorder);
    expect(again).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(await db().webhookEvent.count()).toBe(3);
    expect(new Set(sent.map((e) => e.id)).size).toBe(3);
  });

  it("accepts a request signed with the public APP_URL when it reached us under another host", async () => {
    const signedFor = `${APP_URL}/api/webhooks/hubspot`;
    const req = hubspotRequest([contactEvent(9, 9)], { url: signedFor });
    const forwarded = new Request("http://10.1.2.3:3000/api/webhooks/hubspot", {
      method: "POST",
      body: await req.text(),
      headers: req.headers,
    });
    await expect(receiveHubspotWebhook(forwarded, recorder)).resolves.toMatchObject({ accepted: 1 });
  });

  it("refuses bad input with a 4xx and changes nothing", async () => {
    const stale = Date.now() - 10 * 60 * 1000;
    await expect(
      receiveHubspotWebhook(hubspotRequest([contactEvent(1, 1)], { timestamp: stale }), recorder),
    ).rejects.toMatchObject({
      status: 400,
    });
    await expect(receiveHubspotWebhook(hubspotRequest([{ nonsense: true }]), recorder)).rejects.toMatchObject(
      { status: 400 },
    );
    const tooMany = Array.from({ length: 101 }, (_, i) => contactEvent(i, i));
    await expect(receiveHubspotWebhook(hubspotRequest(tooMany), recorder)).rejects.toMatchObject({
      status: 400,
    });
    const huge = new Request(`${APP_URL}/api/webhooks/hubspot`, {
      method: "POST",
      body: "x".repeat(1024 * 1024 + 1),
    });
    await expect(receiveHubspotWebhook(huge, recorder)).rejects.toMatchObject({ status: 413 });
    expect(await db().webhookEvent.count()).toBe(0);
  });
});
