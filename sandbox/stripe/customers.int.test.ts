/**
 * Contract: the official `stripe` SDK against the stand-in — customers CRUD, list and search, Stripe's
 * error shapes and statuses, idempotent retries and the rate limit.
 */
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startStripeSandbox, type TStripeSandbox } from "./index";
import { TEST_KEY, captureStripeError, createTestClient } from "./test-client";

let sandbox: TStripeSandbox;
let stripe: Stripe;

beforeAll(async () => {
  sandbox = await startStripeSandbox({ port: 0 });
  stripe = createTestClient(sandbox.port);
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.reset());

async function control(path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${sandbox.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.json();
}

describe("customers", () => {
  it("creates, retrieves, updates and deletes with events for each change", async () => {
    const created = await stripe.customers.create({
      email: "ann@example.com",
      name: "Ann",
      metadata: { hubspot_contact_id: "101" },
    });
    expect(created).toMatchObject({
      object: "customer",
      email: "ann@example.com",
      name: "Ann",
      livemode: false,
      metadata: { hubspot_contact_id: "101" },
    });
    expect(created.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);
    expect(created.lastResponse.requestId).toMatch(/^req_/);

    const updated = await stripe.customers.update(created.id, {
      name: "Ann Lee",
      metadata: { hubspot_contact_id: "", tier: "gold" },
    });
    expect(updated.name).toBe("Ann Lee");
    expect(updated.metadata).toEqual({ tier: "gold" });
    expect(await stripe.customers.retrieve(created.id)).toMatchObject({ name: "Ann Lee" });

    const deleted = await stripe.customers.del(created.id);
    expect(deleted).toEqual({ id: created.id, object: "customer", deleted: true });
    expect(await stripe.customers.retrieve(created.id)).toEqual({
      id: created.id,
      object: "customer",
      deleted: true,
    });
    const err = await captureStripeError(stripe.customers.update(created.id, { name: "x" }));
    expect(err.statusCode).toBe(404);

    const events = await stripe.events.list({
      types: ["customer.created", "customer.updated", "customer.deleted"],
    });
    expect(events.data.map((e) => e.type)).toEqual([
      "customer.deleted",
      "customer.updated",
      "customer.created",
    ]);
    const update = events.data[1]!;
    expect(update.data.previous_attributes).toEqual({
      name: "Ann",
      metadata: { hubspot_contact_id: "101", tier: null },
    });
    expect(update).toMatchObject({ object: "event", livemode: false, api_version: Stripe.API_VERSION });
    expect(update.request?.id).toMatch(/^req_/);
    expect(update.request?.idempotency_key).toMatch(/^stripe-node-retry-/);
  });

  it("lists newest first with limit, starting_after, ending_before and the email filter", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (await stripe.customers.create({ email: i % 2 ? "odd@example.com" : `c${i}@example.com` })).id,
      );
    const page1 = await stripe.customers.list({ limit: 2 });
    expect(page1.data.map((c) => c.id)).toEqual([ids[4], ids[3]]);
    expect(page1.has_more).toBe(true);
    const page2 = await stripe.customers.list({ limit: 2, starting_after: ids[3] });
    expect(page2.data.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const back = await stripe.customers.list({ limit: 2, ending_before: ids[1] });
    expect(back.data.map((c) => c.id)).toEqual([ids[3], ids[2]]);
    const all: string[] = [];
    for await (const c of stripe.customers.list({ limit: 2 })) all.push(c.id);
    expect(all).toEqual([...ids].reverse());
    const odd = await stripe.customers.list({ email: "odd@example.com" });
    expect(odd.data.map((c) => c.id)).toEqual([ids[3], ids[1]]);
  });

  it("searches with email, metadata, substring and AND, paging with next_page", async () => {
    await stripe.customers.create({ email: "kim@school.edu", name: "Kim Park", metadata: { openid: "o_1" } });
    await stripe.customers.create({ email: "lee@school.edu", name: "Lee Park", metadata: { openid: "o_2" } });
    await stripe.customers.create({ email: "max@other.org", name: "Max Stone" });
    const byEmail = await stripe.customers.search({ query: "email:'kim@school.edu'" });
    expect(byEmail.data.map((c) => c.name)).toEqual(["Kim Park"]);
    const byMeta = await stripe.customers.search({ query: "metadata['openid']:'o_2'" });
    expect(byMeta.data.map((c) => c.name)).toEqual(["Lee Park"]);
    const both = await stripe.customers.search({ query: "name~'park' AND metadata['openid']:'o_1'" });
    expect(both.data.map((c) => c.name)).toEqual(["Kim Park"]);
    const first = await stripe.customers.search({ query: "name~'park'", limit: 1 });
    expect(first.has_more).toBe(true);
    const second = await stripe.customers.search({ query: "name~'park'", limit: 1, page: first.next_page! });
    expect(second.has_more).toBe(false);
    expect(new Set([...first.data, ...second.data].map((c) => c.name))).toEqual(
      new Set(["Kim Park", "Lee Park"]),
    );
    const bad = await captureStripeError(stripe.customers.search({ query: "name~'pa'" }));
    expect(bad).toMatchObject({ statusCode: 400, type: "StripeInvalidRequestError", param: "query" });
  });
});

describe("errors Stripe returns", () => {
  it("answers 404 resource_missing for an unknown customer", async () => {
    const err = await captureStripeError(stripe.customers.retrieve("cus_doesnotexist"));
    expect(err).toMatchObject({
      statusCode: 404,
      type: "StripeInvalidRequestError",
      code: "resource_missing",
      param: "id",
    });
    expect(err.message).toBe("No such customer: 'cus_doesnotexist'");
    expect(err.requestId).toMatch(/^req_/);
  });

  it("answers 400 for a missing required parameter and for an unknown one", async () => {
    const missing = await captureStripeError(
      stripe.prices.create({ unit_amount: 100, product_data: { name: "x" } } as Stripe.PriceCreateParams),
    );
    expect(missing).toMatchObject({
      statusCode: 400,
      code: "parameter_missing",
      param: "currency",
      message: "Missing required param: currency.",
    });
    const unknown = await captureStripeError(
      stripe.customers.create({ emial: "typo@example.com" } as Stripe.CustomerCreateParams),
    );
    expect(unknown).toMatchObject({ statusCode: 400, code: "parameter_unknown", param: "emial" });
    const nested = await captureStripeError(
      stripe.customers.create({ address: { line9: "x" } } as unknown as Stripe.CustomerCreateParams),
    );
    expect(nested).toMatchObject({ statusCode: 400, param: "address[line9]" });
    const email = await captureStripeError(stripe.customers.create({ email: "not-an-email" }));
    expect(email).toMatchObject({ statusCode: 400, code: "email_invalid" });
  });

  it("answers 401 for a missing, malformed or wrong key", async () => {
    const res = await fetch(`${sandbox.url}/v1/customers`);
    expect(res.status).toBe(401);
    expect(res.headers.get("request-id")).toMatch(/^req_/);
    expect(((await res.json()) as { error: { type: string; message: string } }).error.message).toMatch(
      /did not provide an API key/,
    );
    const bad = await captureStripeError(createTestClient(sandbox.port, "sk_live_nope").customers.list());
    expect(bad).toMatchObject({ statusCode: 401, type: "StripeAuthenticationError" });
    await control("/__sandbox/stripe/settings", { apiKey: TEST_KEY });
    expect((await stripe.customers.list()).object).toBe("list");
    const other = await captureStripeError(
      createTestClient(sandbox.port, "sk_test_wellformedbutwrong").customers.list(),
    );
    expect(other.statusCode).toBe(401);
    expect(other.message).not.toContain("wellformedbutwrong");
    await control("/__sandbox/stripe/settings", { apiKey: null });
  });
});

describe("idempotency", () => {
  it("replays the saved response for the same key and parameters", async () => {
    const params = { email: "once@example.com" };
    const a = await stripe.customers.create(params, { idempotencyKey: "signup-1" });
    const b = await stripe.customers.create(params, { idempotencyKey: "signup-1" });
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect((await stripe.customers.list()).data).toHaveLength(1);
    expect((await stripe.events.list({ type: "customer.created" })).data).toHaveLength(1);
  });

  it("rejects the same key with other parameters", async () => {
    await stripe.customers.create({ email: "a@example.com" }, { idempotencyKey: "k-mismatch" });
    const err = await captureStripeError(
      stripe.customers.create({ email: "b@example.com" }, { idempotencyKey: "k-mismatch" }),
    );
    expect(err).toMatchObject({ statusCode: 400, type: "StripeIdempotencyError" });
    expect(err.message).toMatch(/same parameters they were first used with/);
  });

  it("lets the SDK retry a 500 and a dropped connection with its key, creating one customer", async () => {
    await control("/__sandbox/faults", { script: ["500", "reset"] });
    const c = await stripe.customers.create({ email: "retry@example.com" });
    expect(c.email).toBe("retry@example.com");
    const list = await stripe.customers.list();
    expect(list.data.map((x) => x.id)).toEqual([c.id]);
    expect(sandbox.state.customers.size).toBe(1);
  });

  it("does not save a validation failure, so the fixed request may reuse the key", async () => {
    await captureStripeError(stripe.customers.create({ email: "bad" }, { idempotencyKey: "fix-me" }));
    const ok = await stripe.customers.create({ email: "good@example.com" }, { idempotencyKey: "fix-me" });
    expect(ok.email).toBe("good@example.com");
  });
});

describe("rate limit", () => {
  it("answers 429 rate_limit with Stripe-Should-Retry over the limit, and the SDK's retry then succeeds", async () => {
    await control("/__sandbox/stripe/settings", { rateLimitPerSecond: 3 });
    const noRetry = createTestClient(sandbox.port, TEST_KEY, { maxNetworkRetries: 0 });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => noRetry.customers.list()));
    const limited = results
      .filter((r) => r.status === "rejected")
      .map((r) => r.reason as Stripe.errors.StripeError);
    expect(limited.length).toBe(3);
    expect(limited[0]).toMatchObject({ statusCode: 429, type: "StripeRateLimitError", code: "rate_limit" });
    expect(limited[0]!.headers?.["stripe-should-retry"]).toBe("true");
    const retried = await createTestClient(sandbox.port, TEST_KEY, { maxNetworkRetries: 3 }).customers.list();
    expect(retried.object).toBe("list");
    await control("/__sandbox/stripe/settings", { rateLimitPerSecond: 100 });
  });
});
