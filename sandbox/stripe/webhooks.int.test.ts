/**
 * Contract: webhooks the stand-in sends verify with the SDK's `stripe.webhooks.constructEvent`; failed
 * deliveries are retried with backoff and show in `delivery_success=false`; the duplicate knob repeats.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startStripeSandbox, type TStripeSandbox } from "./index";
import { createTestClient } from "./test-client";

const SECRET = "whsec_contracttestsecret0000000000";

type TReceived = { event: Stripe.Event; signatureHeader: string; endpoint: "default" | "second" };
let received: TReceived[] = [];
let rejected = 0;
/** Status the receiver answers with for the next N deliveries before accepting. */
let failNext = 0;
/** The secret Stripe showed when the test registered a second endpoint. */
let secondSecret = "";
let receiver: Server;
let receiverUrl: string;
let sandbox: TStripeSandbox;
let stripe: Stripe;

beforeAll(async () => {
  const verifier = new Stripe("sk_test_unused");
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const header = String(req.headers["stripe-signature"] ?? "");
      const endpoint = req.url?.includes("second=1") ? "second" : "default";
      if (failNext > 0) {
        failNext--;
        res.writeHead(500).end("down");
        return;
      }
      try {
        const event = verifier.webhooks.constructEvent(
          raw,
          header,
          endpoint === "second" ? secondSecret : SECRET,
        );
        received.push({ event, signatureHeader: header, endpoint });
        res.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
      } catch {
        rejected++;
        res.writeHead(400).end("bad signature");
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/webhooks/stripe`;
  sandbox = await startStripeSandbox({
    port: 0,
    webhookUrl: receiverUrl,
    webhookSecret: SECRET,
    // Real retry spacing (minutes to hours), compressed so a test runs in milliseconds.
    webhookKnobs: { timeScale: 1 / 60_000 },
  });
  stripe = createTestClient(sandbox.port);
});
afterAll(async () => {
  await sandbox.close();
  await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(() => {
  sandbox.reset();
  received = [];
  rejected = 0;
  failNext = 0;
});

describe("webhooks out", () => {
  it("delivers every event, signed so that constructEvent verifies it", async () => {
    const c = await stripe.customers.create({ email: "hook@example.com" });
    await stripe.customers.update(c.id, { name: "Hook" });
    await sandbox.webhooks.waitForIdle();
    expect(rejected).toBe(0);
    expect(received.map((r) => r.event.type).sort()).toEqual(["customer.created", "customer.updated"]);
    const created = received.find((r) => r.event.type === "customer.created")!;
    expect(created.signatureHeader).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(created.event).toMatchObject({ object: "event", livemode: false, pending_webhooks: 1 });
    expect((created.event.data.object as Stripe.Customer).id).toBe(c.id);
    const listed = await stripe.events.list({ delivery_success: true });
    expect(listed.data).toHaveLength(2);
    expect(listed.data.every((e) => e.pending_webhooks === 0)).toBe(true);
  });

  it("retries a failing receiver with backoff and reports undelivered events meanwhile", async () => {
    failNext = 2;
    sandbox.webhooks.configure({ paused: true });
    await stripe.customers.create({ email: "retry@example.com" });
    const pending = await stripe.events.list({ delivery_success: false });
    expect(pending.data.map((e) => e.type)).toEqual(["customer.created"]);
    expect(pending.data[0]!.pending_webhooks).toBe(1);
    sandbox.webhooks.configure({ paused: false });
    await sandbox.webhooks.waitFor((records) => records.some((r) => r.state === "delivered"));
    const record = sandbox.webhooks.deliveries()[0]!;
    expect(record.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(received).toHaveLength(1);
    expect((await stripe.events.list({ delivery_success: false })).data).toHaveLength(0);
  });

  it("gives up after the last retry and keeps the event in delivery_success=false", async () => {
    failNext = 10;
    await stripe.products.create({ name: "Never delivered" });
    await sandbox.webhooks.waitFor((records) => records.some((r) => r.state === "failed"));
    expect(sandbox.webhooks.deliveries()[0]!.attempts).toHaveLength(4);
    expect((await stripe.events.list({ delivery_success: false })).data.map((e) => e.type)).toEqual([
      "product.created",
    ]);
  });

  it("duplicates deliveries when asked, the same event id twice", async () => {
    sandbox.webhooks.configure({ duplicateRate: 1 });
    try {
      await stripe.customers.create({ email: "dup@example.com" });
      await sandbox.webhooks.waitForIdle();
      expect(received).toHaveLength(2);
      expect(received[0]!.event.id).toBe(received[1]!.event.id);
      expect((await stripe.events.list({ delivery_success: true })).data).toHaveLength(1);
    } finally {
      // Knobs outlive a reset (as in the core), so put this one back.
      sandbox.webhooks.configure({ duplicateRate: 0 });
    }
  });

  it("registers endpoints through the API, each with its own secret and event filter", async () => {
    const endpoint = await stripe.webhookEndpoints.create({
      url: `${receiverUrl}?second=1`,
      enabled_events: ["customer.deleted"],
    });
    expect(endpoint.secret).toMatch(/^whsec_/);
    secondSecret = endpoint.secret!;
    expect((await stripe.webhookEndpoints.retrieve(endpoint.id)).secret).toBeUndefined();
    const c = await stripe.customers.create({ email: "two@example.com" });
    await stripe.customers.del(c.id);
    await sandbox.webhooks.waitForIdle();
    expect(rejected).toBe(0);
    const seen = received.map((r) => `${r.endpoint}:${r.event.type}`).sort();
    expect(seen).toEqual(["default:customer.created", "default:customer.deleted", "second:customer.deleted"]);
    const deletedEvent = received.find((r) => r.endpoint === "second")!.event;
    expect(deletedEvent.pending_webhooks).toBe(2);
    const missing = await stripe.webhookEndpoints
      .create({ url: receiverUrl } as Stripe.WebhookEndpointCreateParams)
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ statusCode: 400, param: "enabled_events" });
  });
});
