import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HttpResponseError, jsonResponse, type TErrorWriters } from "./http-types";
import { createStandIn, type TStandIn } from "./stand-in";

const errors: TErrorWriters = {
  notFound: (req) => jsonResponse(404, { kind: "not_found", path: req.path }),
  internal: (_req, status) => jsonResponse(status, { kind: "internal", status }),
  rateLimited: () => jsonResponse(429, { kind: "rate_limited" }, { "retry-after": "1" }),
  badRequest: (_req, message) => jsonResponse(400, { kind: "bad_request", message }),
};

let items: Map<string, unknown>;
let standIn: TStandIn;
const logLines: string[] = [];

beforeAll(async () => {
  items = new Map();
  standIn = await createStandIn({
    name: "test",
    errors,
    log: (line) => logLines.push(line),
    routes: [
      {
        method: "GET",
        path: "/v1/items/:id",
        handler: (req) => jsonResponse(200, items.get(req.params.id!) ?? null),
      },
      {
        method: "POST",
        path: "/v1/items",
        handler: (req) => {
          const body = req.json<{ id: string }>();
          items.set(body.id, body);
          return jsonResponse(201, body);
        },
      },
      {
        method: "POST",
        path: "/v1/items/search",
        write: false,
        handler: () => jsonResponse(200, [...items.keys()]),
      },
      {
        method: "POST",
        path: "/v1/form",
        handler: (req) => jsonResponse(200, Object.fromEntries(req.form())),
      },
      { method: "POST", path: "/v1/xml", handler: (req) => jsonResponse(200, req.xml()) },
      { method: "GET", path: "/v1/crash", handler: () => Promise.reject(new Error("secret internals")) },
      {
        method: "GET",
        path: "/v1/teapot",
        handler: () => {
          throw new HttpResponseError(jsonResponse(418, { kind: "teapot" }));
        },
      },
    ],
    middleware: [
      async (req, next) => {
        if (req.header("authorization") !== "Bearer ok") return jsonResponse(401, { kind: "unauthorized" });
        const res = await next();
        return { ...res, headers: { ...res.headers, "x-seen-by": "mw" } };
      },
    ],
    controlRoutes: [
      {
        method: "POST",
        path: "/__sandbox/test/seed",
        handler: () => (items.set("seeded", {}), jsonResponse(200, {})),
      },
    ],
    onReset: () => items.clear(),
    getState: () => ({ ids: [...items.keys()] }),
  });
});

afterAll(() => standIn.close());

beforeEach(async () => {
  await control("POST", "/__sandbox/reset");
  logLines.length = 0;
});

const auth = { authorization: "Bearer ok" };

async function call(method: string, path: string, body?: string, headers: Record<string, string> = auth) {
  const res = await fetch(standIn.url + path, { method, body, headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(standIn.url + path, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function failureCode(path: string): Promise<string> {
  try {
    await fetch(standIn.url + path, { headers: auth });
    return "answered";
  } catch (error) {
    return (error as Error & { cause?: { code?: string } }).cause?.code ?? "unknown";
  }
}

describe("stand-in core over HTTP", () => {
  it("routes, runs middleware around handlers and parses bodies", async () => {
    expect((await call("POST", "/v1/items", JSON.stringify({ id: "a" }))).status).toBe(201);
    const got = await call("GET", "/v1/items/a");
    expect(got).toMatchObject({ status: 200, body: { id: "a" } });
    expect(got.headers.get("x-seen-by")).toBe("mw");
    expect((await call("POST", "/v1/form", "a=1&b=x+y")).body).toEqual({ a: "1", b: "x y" });
    expect(
      (await call("POST", "/v1/xml", "<xml><ToUserName><![CDATA[gh_1]]></ToUserName></xml>")).body,
    ).toEqual({
      xml: { ToUserName: "gh_1" },
    });
    expect((await call("GET", "/v1/items/a", undefined, {})).status).toBe(401);
  });

  it("answers unknown routes, bad bodies and crashes in the provider's shapes, never with a stack", async () => {
    expect(await call("GET", "/v2/nothing")).toMatchObject({
      status: 404,
      body: { kind: "not_found", path: "/v2/nothing" },
    });
    expect(await call("DELETE", "/v1/items/a")).toMatchObject({ status: 404 });
    expect(await call("POST", "/v1/items", "{nope")).toMatchObject({
      status: 400,
      body: { kind: "bad_request" },
    });
    const crash = await call("GET", "/v1/crash");
    expect(crash).toEqual(expect.objectContaining({ status: 500, body: { kind: "internal", status: 500 } }));
    expect(JSON.stringify(crash.body)).not.toContain("secret");
    expect(logLines).toHaveLength(1);
    expect(logLines[0]).toContain("GET /v1/crash");
    expect(await call("GET", "/v1/teapot")).toMatchObject({ status: 418, body: { kind: "teapot" } });
  });

  it("counts requests by route, statuses, writes and 429s", async () => {
    await call("POST", "/v1/items", JSON.stringify({ id: "a" }));
    await call("POST", "/v1/items/search");
    await call("GET", "/v1/items/a");
    await call("GET", "/nowhere");
    await control("POST", "/__sandbox/faults", { script: ["429"] });
    await call("GET", "/v1/items/a");
    const counters = (await control("GET", "/__sandbox/counters")).body;
    expect(counters).toMatchObject({
      requests: 5,
      byRoute: { "POST /v1/items": 1, "POST /v1/items/search": 1, "GET /v1/items/:id": 2, unmatched: 1 },
      byStatus: { "200": 2, "201": 1, "404": 1, "429": 1 },
      writes: 1,
      rateLimited: 1,
      faults: { "429": 1 },
    });
  });

  it("injects each fault kind before the handler, changing no state", async () => {
    await control("POST", "/__sandbox/faults", {
      script: ["500", "503", "429", "reset"],
      timeoutHangMs: 100,
    });
    for (const status of [500, 503, 429]) {
      const res = await call("POST", "/v1/items", JSON.stringify({ id: `x${status}` }));
      expect(res.status).toBe(status);
    }
    expect(await failureCode("/v1/items/a")).toBe("ECONNRESET");
    expect((await control("GET", "/__sandbox/state")).body).toEqual({ ids: [] });

    await control("POST", "/__sandbox/faults", { script: ["timeout"], timeoutHangMs: 150 });
    const started = Date.now();
    expect(await failureCode("/v1/items/a")).not.toBe("answered");
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await control("GET", "/__sandbox/counters")).body).toMatchObject({
      dropped: 2,
      faults: { timeout: 1, reset: 1 },
    });
  });

  it("answers 503 to everything while paused and recovers when unpaused", async () => {
    await control("POST", "/__sandbox/faults", { paused: true });
    expect((await call("GET", "/v1/items/a")).status).toBe(503);
    expect((await call("POST", "/v1/items", JSON.stringify({ id: "p" }))).status).toBe(503);
    expect((await control("GET", "/__sandbox/health")).status).toBe(200);
    await control("POST", "/__sandbox/faults", {});
    expect((await call("POST", "/v1/items", JSON.stringify({ id: "p" }))).status).toBe(201);
  });

  it("adds the configured latency", async () => {
    await control("POST", "/__sandbox/faults", { latencyMs: 120 });
    const started = Date.now();
    await call("GET", "/v1/items/a");
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  });

  it("validates fault settings and runs provider control routes and reset", async () => {
    const bad = await control("POST", "/__sandbox/faults", { rates: { "429": 1.5 } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual(expect.arrayContaining([expect.stringContaining("rates.429")]));
    await control("POST", "/__sandbox/test/seed");
    expect((await control("GET", "/__sandbox/state")).body).toEqual({ ids: ["seeded"] });
    await control("POST", "/__sandbox/reset");
    expect((await control("GET", "/__sandbox/state")).body).toEqual({ ids: [] });
    expect((await control("GET", "/__sandbox/nothing")).status).toBe(404);
  });

  it("closes promptly even with a connection hanging in a timeout fault", async () => {
    const other = await createStandIn({ name: "hang", errors, routes: [], faults: { script: ["timeout"] } });
    const hanging = fetch(`${other.url}/anything`).then(
      () => "answered",
      () => "dropped",
    );
    await expect.poll(() => other.counters().faults.timeout).toBe(1);
    const started = Date.now();
    await other.close();
    expect(await hanging).toBe("dropped");
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
