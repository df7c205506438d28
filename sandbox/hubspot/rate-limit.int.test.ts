import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiError, asApiError, startContractSandbox } from "./contract-fixtures";

let ctx: Awaited<ReturnType<typeof startContractSandbox>>;

beforeAll(async () => {
  ctx = await startContractSandbox({ settings: { tenSecondlyLimit: 20 } });
});
afterAll(() => ctx.sandbox.close());
beforeEach(() => ctx.control("POST", "/__sandbox/reset"));

describe("HubSpot stand-in — rate limits and faults", () => {
  it("puts HubSpot's rate-limit headers on every answer", async () => {
    const res = await fetch(`${ctx.sandbox.url}/crm/v3/objects/contacts`, {
      headers: { authorization: "Bearer pat-na1-x" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-hubspot-ratelimit-max")).toBe("20");
    expect(res.headers.get("x-hubspot-ratelimit-remaining")).toBe("19");
    expect(res.headers.get("x-hubspot-ratelimit-interval-milliseconds")).toBe("10000");
    expect(res.headers.get("x-hubspot-ratelimit-daily")).toBe("500000");
    expect(res.headers.get("x-hubspot-ratelimit-daily-remaining")).toBe("499999");
  });

  it("answers a burst over TEN_SECONDLY_ROLLING with 429, the SDK-recognised body and the headers", async () => {
    const calls = await Promise.allSettled(
      Array.from({ length: 25 }, () => ctx.hs.crm.contacts.basicApi.getPage(1)),
    );
    const refused = calls
      .filter((c): c is PromiseRejectedResult => c.status === "rejected")
      .map((c) => asApiError(c.reason));
    expect(calls.filter((c) => c.status === "fulfilled")).toHaveLength(20);
    expect(refused).toHaveLength(5);
    expect(refused[0]).toMatchObject({
      code: 429,
      body: {
        status: "error",
        message: "You have reached your ten_secondly_rolling limit.",
        errorType: "RATE_LIMIT",
        policyName: "TEN_SECONDLY_ROLLING",
      },
    });
    expect(refused[0]!.body.groupName).toMatch(/\S/);
    expect(refused[0]!.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(refused[0]!.headers["x-hubspot-ratelimit-remaining"]).toBe("0");
    expect(refused[0]!.headers["x-hubspot-ratelimit-max"]).toBe("20");
    const counters = (await ctx.control<{ rateLimited: number }>("GET", "/__sandbox/counters")).body;
    expect(counters.rateLimited).toBe(5);
  });

  it("enforces the daily limit with its own policy name", async () => {
    await ctx.control("POST", "/__sandbox/hubspot/settings", { dailyLimit: 3 });
    for (let i = 0; i < 3; i++) await ctx.hs.crm.contacts.basicApi.getPage(1);
    const err = await apiError(ctx.hs.crm.contacts.basicApi.getPage(1));
    expect(err.code).toBe(429);
    expect(err.body).toMatchObject({ policyName: "DAILY", errorType: "RATE_LIMIT" });
    expect(err.headers["x-hubspot-ratelimit-daily-remaining"]).toBe("0");
  });

  it("injects faults in HubSpot's shapes and recovers when they are cleared", async () => {
    await ctx.control("POST", "/__sandbox/faults", { script: ["429", "503", "500"] });
    expect((await apiError(ctx.hs.crm.contacts.basicApi.getPage())).body).toMatchObject({
      policyName: "TEN_SECONDLY_ROLLING",
    });
    expect((await apiError(ctx.hs.crm.contacts.basicApi.getPage())).body).toMatchObject({
      status: "error",
      category: "SERVICE_UNAVAILABLE",
    });
    expect((await apiError(ctx.hs.crm.contacts.basicApi.getPage())).code).toBe(500);
    await ctx.control("POST", "/__sandbox/faults", { paused: true });
    expect(
      (
        await apiError(
          ctx.hs.crm.contacts.basicApi.create({ properties: { email: "o@example.com" }, associations: [] }),
        )
      ).code,
    ).toBe(503);
    await ctx.control("POST", "/__sandbox/faults", {});
    await ctx.hs.crm.contacts.basicApi.create({ properties: { email: "o@example.com" }, associations: [] });
    const counters = (
      await ctx.control<{ faults: Record<string, number>; writes: number }>("GET", "/__sandbox/counters")
    ).body;
    expect(counters.faults).toMatchObject({ "429": 1, "500": 1, "503": 1, paused: 1 });
    expect(counters.writes).toBe(1);
  });

  it("answers unknown routes with HubSpot's 404 shape", async () => {
    const res = await fetch(`${ctx.sandbox.url}/crm/v3/nothing-here`, {
      headers: { authorization: "Bearer pat-na1-x" },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: "error", category: "OBJECT_NOT_FOUND" });
    const badType = await fetch(`${ctx.sandbox.url}/crm/v3/objects/unicorns`, {
      headers: { authorization: "Bearer pat-na1-x" },
    });
    expect(badType.status).toBe(400);
  });
});
