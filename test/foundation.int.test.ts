/**
 * The shared foundations every feature builds on, exercised for real: the governed HubSpot and
 * Stripe clients against the sandboxes (error kinds, 429 → governor pause), the app-function
 * harness with a dead letter written by `deadLetterOnFailure`, and API keys.
 */
import { NonRetriableError } from "inngest";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { inngest } from "@/inngest/client";
import { db } from "@/lib/db";
import { createApiKey, hashApiKey, verifyApiKey } from "@/lib/api-keys/keys";
import { apiKeyRoute } from "@/lib/api/route";
import {
  ProviderRateLimitedError,
  ProviderRejectedError,
  ProviderUnavailableError,
  toInngestError,
} from "@/lib/connectors/errors";
import { hubspotCall } from "@/lib/connectors/hubspot/client";
import { stripeCall } from "@/lib/connectors/stripe/client";
import { deadLetterOnFailure } from "@/lib/dead-letters/record";
import { startHubspotSandbox, type THubspotSandbox } from "@/sandbox/hubspot";
import { startStripeSandbox, type TStripeSandbox } from "@/sandbox/stripe";
import { withFreshDatabase } from "@/test/db";
import { startAppInngest, type TAppInngest } from "@/test/app-inngest";
import { restoreAppEnv, stubAppEnv } from "@/test/env";

const database = withFreshDatabase();

let hub: THubspotSandbox;
let str: TStripeSandbox;

beforeAll(async () => {
  hub = await startHubspotSandbox();
  str = await startStripeSandbox();
  stubAppEnv(database.url(), {
    HUBSPOT_ACCESS_TOKEN: "pat-na1-foundation-test",
    HUBSPOT_API_BASE: hub.url,
    STRIPE_SECRET_KEY: "sk_test_foundation",
    STRIPE_API_BASE: str.url,
  });
});

afterAll(async () => {
  restoreAppEnv();
  await hub.close();
  await str.close();
});

describe("governed provider clients", () => {
  it("HubSpot: success, 400 → rejected (non-retriable), 429 → rate limited + governor paused, 503 → unavailable", async () => {
    const created = await hubspotCall("default", (c) =>
      c.crm.contacts.basicApi.create({ properties: { email: "a@example.com" }, associations: [] }),
    );
    expect(created.id).toBeTruthy();

    const rejected = await hubspotCall("default", (c) =>
      c.crm.contacts.basicApi.create({ properties: { no_such_property: "x" }, associations: [] }),
    ).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(ProviderRejectedError);
    expect((rejected as ProviderRejectedError).status).toBe(400);
    expect(toInngestError(rejected)).toBeInstanceOf(NonRetriableError);

    hub.standIn.faults.configure({ script: ["429"] });
    const limited = await hubspotCall("default", (c) => c.crm.contacts.basicApi.getById(created.id)).catch(
      (e: unknown) => e,
    );
    expect(limited).toBeInstanceOf(ProviderRateLimitedError);
    const state = await db().rateLimitState.findUnique({
      where: { provider_bucket: { provider: "HUBSPOT", bucket: "default" } },
    });
    expect(Number(state?.throttledTotal)).toBe(1);
    expect(state?.pausedUntil?.getTime()).toBeGreaterThan(Date.now());
    // Let the pause pass quickly for the rest of the test.
    await db().rateLimitState.update({
      where: { provider_bucket: { provider: "HUBSPOT", bucket: "default" } },
      data: { tat: new Date(), pausedUntil: null },
    });

    hub.standIn.faults.configure({ script: ["503"] });
    const down = await hubspotCall("default", (c) => c.crm.contacts.basicApi.getById(created.id)).catch(
      (e: unknown) => e,
    );
    expect(down).toBeInstanceOf(ProviderUnavailableError);
  });

  it("Stripe: success, 404 → rejected, one 500 retried, three 500s → unavailable, a 429 waited out under the governor", async () => {
    const customer = await stripeCall((s) => s.customers.create({ email: "b@example.com" }));
    expect(customer.id).toMatch(/^cus_/);
    const missing = await stripeCall((s) => s.customers.retrieve("cus_missing")).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ProviderRejectedError);
    await fetch(`${str.url}/__sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ script: ["500"] }),
    });
    expect((await stripeCall((s) => s.customers.retrieve(customer.id))).id).toBe(customer.id);
    await fetch(`${str.url}/__sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ script: ["500", "500", "500"] }),
    });
    const down = await stripeCall((s) => s.customers.retrieve(customer.id)).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(ProviderUnavailableError);

    // A 429 pauses the governor for everyone; the call waits out the pause in line and tries again
    // (the step's other writes are not re-sent). Four in a row go back to Inngest (RetryAfterError).
    const script429 = (n: number) =>
      fetch(`${str.url}/__sandbox/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ script: Array.from({ length: n }, () => "429") }),
      });
    const requests = async () =>
      ((await (await fetch(`${str.url}/__sandbox/counters`)).json()) as { requests: number }).requests;
    await script429(1);
    let before = await requests();
    const retried = await stripeCall((s) => s.customers.retrieve(customer.id));
    expect(retried.id).toBe(customer.id);
    expect((await requests()) - before).toBe(2);
    const paused = await db().rateLimitState.findUniqueOrThrow({
      where: { provider_bucket: { provider: "STRIPE", bucket: "default" } },
    });
    expect(paused.pausedUntil).not.toBeNull();
    await script429(4);
    before = await requests();
    const limited = await stripeCall((s) => s.customers.retrieve(customer.id)).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ProviderRateLimitedError);
    expect((await requests()) - before).toBe(4);
    await db().rateLimitState.update({
      where: { provider_bucket: { provider: "STRIPE", bucket: "default" } },
      data: { tat: new Date(), pausedUntil: null },
    });
  });
});

describe("app Inngest harness and dead letters", () => {
  let app: TAppInngest;
  const failing = inngest.createFunction(
    {
      id: "foundation-always-fails",
      retries: 1,
      triggers: [{ event: "test/foundation.fail" }],
      onFailure: deadLetterOnFailure("foundation-always-fails", {
        retries: 1,
        subject: (d) => `TEST:thing:${String(d.thing)}`,
      }),
    },
    async ({ step }) => {
      await step.run("call provider", () => {
        throw new NonRetriableError("provider said no");
      });
    },
  );

  beforeAll(async () => {
    app = await startAppInngest({ functions: [failing] });
  });
  afterAll(async () => app?.close());

  it("records a dead letter with the event to replay when retries run out", async () => {
    await app.send("test/foundation.fail", { thing: 7 });
    const row = await vi.waitFor(
      async () => {
        const found = await db().deadLetter.findFirst({ where: { functionId: "foundation-always-fails" } });
        if (!found) throw new Error("no dead letter yet");
        return found;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(row).toMatchObject({
      eventName: "test/foundation.fail",
      payload: { thing: 7 },
      subject: "TEST:thing:7",
      status: "open",
      attempts: 2,
    });
    expect(row.error).toContain("provider said no");
  });
});

describe("API keys", () => {
  const request = (key?: string) =>
    new Request("http://localhost/api/v1/echo", {
      method: "POST",
      headers: key ? { authorization: `Bearer ${key}`, "content-type": "application/json" } : {},
      body: "{}",
    });

  it("stores only a hash, verifies scope, refuses unknown and revoked keys", async () => {
    const { id, key, prefix } = await createApiKey({
      name: "app",
      scopes: ["events:write"],
      createdById: null,
    });
    expect(key.startsWith(prefix)).toBe(true);
    const row = await db().apiKey.findUniqueOrThrow({ where: { id } });
    expect(row.hash).toBe(hashApiKey(key));
    expect(JSON.stringify(row)).not.toContain(key);

    await expect(verifyApiKey(request(key), "events:write")).resolves.toMatchObject({ id });
    await expect(verifyApiKey(request(key), "business:write")).rejects.toMatchObject({ code: "forbidden" });
    await expect(verifyApiKey(request(), "events:write")).rejects.toMatchObject({ code: "unauthorized" });
    await expect(verifyApiKey(request("rbk_nope"), "events:write")).rejects.toMatchObject({
      code: "unauthorized",
    });
    await db().apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    await expect(verifyApiKey(request(key), "events:write")).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("apiKeyRoute answers 401/403 with a message and runs the handler for a good key", async () => {
    const { key } = await createApiKey({ name: "route", scopes: ["wechat:code"], createdById: null });
    const route = apiKeyRoute({ scope: "wechat:code" }, ({ apiKey }) =>
      Promise.resolve({ keyName: apiKey.name }),
    );
    const ok = await route(request(key));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ keyName: "route" });
    const none = await route(request());
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/Bearer/);
    const other = await createApiKey({ name: "other", scopes: ["events:write"], createdById: null });
    expect((await route(request(other.key))).status).toBe(403);
  });
});
