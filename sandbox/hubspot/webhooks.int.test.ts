import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Signature } from "@hubspot/api-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startContractSandbox } from "./contract-fixtures";
import type { THubspotWebhookEvent } from "./webhooks";

interface TDelivery {
  url: string;
  headers: IncomingHttpHeaders;
  raw: string;
  events: THubspotWebhookEvent[];
}

const CLIENT_SECRET = "test-client-secret-0123456789";
let receiver: Server;
let receiverUrl: string;
let received: TDelivery[] = [];
let answers: number[] = [];
let ctx: Awaited<ReturnType<typeof startContractSandbox>>;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      received.push({
        url: `http://${req.headers.host}${req.url}`,
        headers: req.headers,
        raw,
        events: JSON.parse(raw) as THubspotWebhookEvent[],
      });
      res.writeHead(answers.shift() ?? 204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/webhooks/hubspot`;
  ctx = await startContractSandbox({
    webhookUrl: receiverUrl,
    webhookKnobs: { timeScale: 0.000_01 },
    settings: { clientSecret: CLIENT_SECRET, webhookBatchWindowMs: 20 },
  });
});

afterAll(async () => {
  await ctx.sandbox.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

beforeEach(async () => {
  await ctx.control("POST", "/__sandbox/reset");
  await ctx.control("POST", "/__sandbox/webhooks", { duplicateRate: 0 });
  received = [];
  answers = [];
});

/** Waits until the sandbox has nothing gathered, queued or in flight. */
async function settle(): Promise<void> {
  await ctx.control("POST", "/__sandbox/hubspot/webhooks/flush");
  await ctx.sandbox.standIn.webhooks!.waitForIdle();
}

const allEvents = () => received.flatMap((d) => d.events);

describe("HubSpot stand-in — outgoing webhooks", () => {
  it("delivers a form submission as creation + propertyChange events, signed v1 and v3", async () => {
    const res = await ctx.control<{ id: string }>("POST", "/__sandbox/hubspot/forms/submit", {
      email: "parent@example.com",
      properties: { firstname: "Mei" },
      formId: "form-123",
    });
    expect(res.status).toBe(201);
    await settle();
    expect(received).toHaveLength(1);
    const [delivery] = received;
    const events = delivery!.events;
    expect(events.map((e) => [e.subscriptionType, e.propertyName])).toEqual([
      ["contact.creation", undefined],
      ["contact.propertyChange", "firstname"],
      ["contact.propertyChange", "email"],
    ]);
    expect(events[0]).toMatchObject({
      portalId: 62515,
      appId: 1160452,
      objectId: Number(res.body.id),
      attemptNumber: 0,
      changeSource: "FORM",
      changeFlag: "CREATED",
      sourceId: "form-123",
    });
    expect(events[2]).toMatchObject({ propertyValue: "parent@example.com" });
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3);

    const h = delivery!.headers;
    expect(
      Signature.isValid({
        signatureVersion: "v3",
        signature: String(h["x-hubspot-signature-v3"]),
        clientSecret: CLIENT_SECRET,
        requestBody: delivery!.raw,
        url: delivery!.url,
        method: "POST",
        timestamp: Number(h["x-hubspot-request-timestamp"]),
      }),
    ).toBe(true);
    expect(
      Signature.isValid({
        signatureVersion: "v1",
        signature: String(h["x-hubspot-signature"]),
        clientSecret: CLIENT_SECRET,
        requestBody: delivery!.raw,
      }),
    ).toBe(true);
    expect(
      Signature.isValid({
        signatureVersion: "v3",
        signature: String(h["x-hubspot-signature-v3"]),
        clientSecret: "wrong-secret",
        requestBody: delivery!.raw,
        url: delivery!.url,
        method: "POST",
        timestamp: Number(h["x-hubspot-request-timestamp"]),
      }),
    ).toBe(false);
  });

  it("marks salesperson edits CRM_UI and API writes INTEGRATION, and sends only real changes", async () => {
    const c = await ctx.hs.crm.contacts.basicApi.create({
      properties: { email: "x@example.com", firstname: "A" },
      associations: [],
    });
    await ctx.control("POST", `/__sandbox/hubspot/objects/contacts/${c.id}/edit`, {
      properties: { firstname: "A", lastname: "B" },
      userId: 77,
    });
    await settle();
    const changes = allEvents().filter((e) => e.subscriptionType === "contact.propertyChange");
    expect(changes.map((e) => [e.propertyName, e.changeSource, e.sourceId])).toEqual([
      ["email", "INTEGRATION", "1160452"],
      ["firstname", "INTEGRATION", "1160452"],
      ["lastname", "CRM_UI", "userId:77"],
    ]);
  });

  it("delivers deletion and merge events, and company/deal creation", async () => {
    const a = await ctx.hs.crm.contacts.basicApi.create({
      properties: { email: "a@example.com" },
      associations: [],
    });
    const b = await ctx.hs.crm.contacts.basicApi.create({
      properties: { email: "b@example.com" },
      associations: [],
    });
    const gone = await ctx.hs.crm.contacts.basicApi.create({
      properties: { email: "gone@example.com" },
      associations: [],
    });
    await ctx.hs.crm.companies.basicApi.create({ properties: { name: "Acme" }, associations: [] });
    await ctx.hs.crm.deals.basicApi.create({ properties: { dealname: "D" }, associations: [] });
    await ctx.control("POST", `/__sandbox/hubspot/objects/contacts/${gone.id}/delete`);
    await ctx.control("POST", "/__sandbox/hubspot/contacts/merge", {
      primaryObjectId: a.id,
      objectIdToMerge: b.id,
    });
    await settle();
    const events = allEvents();
    expect(events.find((e) => e.subscriptionType === "contact.deletion")).toMatchObject({
      objectId: Number(gone.id),
      changeFlag: "DELETED",
    });
    expect(events.find((e) => e.subscriptionType === "contact.merge")).toMatchObject({
      objectId: Number(a.id),
      primaryObjectId: Number(a.id),
      mergedObjectIds: [Number(b.id)],
      newObjectId: Number(a.id),
    });
    expect(events.map((e) => e.subscriptionType)).toEqual(
      expect.arrayContaining(["company.creation", "deal.creation", "deal.propertyChange"]),
    );
  });

  it("sends at most 100 events per delivery", async () => {
    for (let batch = 0; batch < 2; batch++) {
      await ctx.hs.crm.contacts.batchApi.create({
        inputs: Array.from({ length: 75 }, (_, i) => ({
          properties: { email: `bulk${batch}-${i}@example.com` },
          associations: [],
        })),
      });
    }
    await settle();
    expect(allEvents()).toHaveLength(300);
    expect(received.every((d) => d.events.length <= 100)).toBe(true);
    expect(received.length).toBeGreaterThanOrEqual(3);
  });

  it("retries failed deliveries with the next attemptNumber and the same event ids, not after 4xx finals", async () => {
    answers = [500, 503];
    await ctx.control("POST", "/__sandbox/hubspot/forms/submit", { email: "retry@example.com" });
    await settle();
    expect(received.map((d) => d.events[0]!.attemptNumber)).toEqual([0, 1, 2]);
    expect(new Set(received.map((d) => d.events.map((e) => e.eventId).join(",")))).toHaveLength(1);

    received = [];
    answers = [404];
    await ctx.control("POST", "/__sandbox/hubspot/forms/submit", { email: "final@example.com" });
    await settle();
    expect(received).toHaveLength(1);
    const log = await ctx.control<{ deliveries: { state: string }[] }>("GET", "/__sandbox/webhooks");
    expect(log.body.deliveries.at(-1)?.state).toBe("failed");
  });

  it("duplicates deliveries when the knob is set, and filters propertyChange by subscribed property", async () => {
    await ctx.control("POST", "/__sandbox/webhooks", { duplicateRate: 1 });
    await ctx.control("POST", "/__sandbox/hubspot/settings", { propertyChangeProperties: ["wechat_code"] });
    await ctx.control("POST", "/__sandbox/hubspot/forms/submit", {
      email: "dup@example.com",
      properties: { firstname: "D" },
    });
    await settle();
    expect(received).toHaveLength(2);
    expect(received[0]!.raw).toBe(received[1]!.raw);
    expect(received[0]!.events.map((e) => e.subscriptionType)).toEqual(["contact.creation"]);
  });
});
