import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createWebhookDeliverer, type TWebhookDeliverer } from "./webhook-deliverer";

interface TReceived {
  body: string;
  headers: IncomingHttpHeaders;
}

/** A receiver whose answers the test scripts: one status per request, then 200. */
let receiver: Server;
let receiverUrl: string;
let received: TReceived[] = [];
let answers: number[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ body: Buffer.concat(chunks).toString("utf8"), headers: req.headers });
      res.writeHead(answers.shift() ?? 200, { "content-type": "text/plain" });
      res.end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});

afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

let deliverer: TWebhookDeliverer | undefined;
afterEach(() => {
  deliverer?.close();
  received = [];
  answers = [];
});

function makeDeliverer(knobs: Record<string, unknown> = {}, retryDelaysMs = [1_000, 2_000, 4_000]) {
  deliverer = createWebhookDeliverer({
    name: "test",
    sign: ({ body, attempt, timestamp }) => ({
      "x-sig": `${body.length}:${attempt}`,
      "x-ts": String(timestamp),
    }),
    retryDelaysMs,
    knobs: { targetUrl: receiverUrl, ...knobs },
    log: () => {},
  });
  return deliverer;
}

describe("createWebhookDeliverer", () => {
  it("posts the rendered body with the signer's headers and records the answer", async () => {
    const d = makeDeliverer();
    d.enqueue({
      label: "thing.created",
      eventIds: ["e1"],
      render: (n) => JSON.stringify([{ id: "e1", attempt: n }]),
    });
    await d.waitForIdle();
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toEqual([{ id: "e1", attempt: 1 }]);
    expect(received[0]!.headers["x-sig"]).toBe(`${received[0]!.body.length}:1`);
    expect(received[0]!.headers["content-type"]).toBe("application/json");
    const [record] = d.deliveries();
    expect(record).toMatchObject({
      state: "delivered",
      eventIds: ["e1"],
      attempts: [{ attemptNumber: 1, status: 200 }],
    });
  });

  it("retries failures with the scaled backoff, re-rendering per attempt", async () => {
    const d = makeDeliverer({ timeScale: 0.01 });
    answers = [500, 503];
    d.enqueue({ label: "x", render: (n) => `{"attempt":${n}}` });
    await d.waitForIdle();
    expect(received.map((r) => r.body)).toEqual(['{"attempt":1}', '{"attempt":2}', '{"attempt":3}']);
    const attempts = d.deliveries()[0]!.attempts;
    expect(attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    const gap = Date.parse(attempts[2]!.startedAt) - Date.parse(attempts[1]!.startedAt);
    expect(gap).toBeGreaterThanOrEqual(18); // 2_000 ms × 0.01
  });

  it("gives up after the last retry delay and marks the delivery failed", async () => {
    const d = makeDeliverer({ timeScale: 0.001 });
    answers = [500, 500, 500, 500, 500];
    d.enqueue({ label: "x", render: () => "{}" });
    await d.waitForIdle();
    expect(d.deliveries()[0]).toMatchObject({ state: "failed" });
    expect(received).toHaveLength(4); // first attempt + 3 retries
  });

  it("does not retry statuses the provider treats as final", async () => {
    deliverer = createWebhookDeliverer({
      name: "test",
      sign: () => ({}),
      retryDelaysMs: [1],
      shouldRetry: (s) => s >= 500,
      knobs: { targetUrl: receiverUrl },
      log: () => {},
    });
    answers = [400];
    deliverer.enqueue({ label: "x", render: () => "{}" });
    await deliverer.waitForIdle();
    expect(deliverer.deliveries()[0]).toMatchObject({ state: "failed", attempts: [{ status: 400 }] });
  });

  it("records connection failures and retries them", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const d = makeDeliverer({ targetUrl: `http://127.0.0.1:${port}/gone`, timeScale: 0.001 }, [1]);
    d.enqueue({ label: "x", render: () => "{}" });
    await d.waitForIdle();
    const record = d.deliveries()[0]!;
    expect(record.state).toBe("failed");
    expect(record.attempts).toHaveLength(2);
    expect(record.attempts[0]!.error).toBe("ECONNREFUSED");
  });

  it("gives up on a receiver that does not answer within the request timeout, and tries again", async () => {
    const silent = createServer(() => {}); // reads the request, never answers
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const port = (silent.address() as AddressInfo).port;
      const d = createWebhookDeliverer({
        name: "test",
        sign: () => ({}),
        retryDelaysMs: [1],
        requestTimeoutMs: 200,
        knobs: { targetUrl: `http://127.0.0.1:${port}/slow` },
        log: () => {},
      });
      deliverer = d;
      d.enqueue({ label: "x", render: () => "{}" });
      await d.waitForIdle();
      const record = d.deliveries()[0]!;
      expect(record.state).toBe("failed");
      expect(record.attempts.map((a) => a.error)).toEqual(["timeout", "timeout"]);
      expect(record.attempts[0]!.durationMs).toBeGreaterThanOrEqual(190);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it("duplicates deliveries when asked", async () => {
    const d = makeDeliverer({ duplicateRate: 1 });
    d.enqueue({ label: "x", eventIds: ["e1"], render: () => "{}" });
    await d.waitForIdle();
    expect(received).toHaveLength(2);
    const records = d.deliveries();
    expect(records[1]!.duplicateOf).toBe(records[0]!.id);
  });

  it("sends every delivery `copies` times in all", async () => {
    const d = makeDeliverer({ copies: 3 });
    d.enqueue({ label: "x", eventIds: ["e1"], render: () => "{}" });
    await d.waitForIdle();
    expect(received).toHaveLength(3);
    const [first, ...copies] = d.deliveries();
    expect(copies.map((c) => c.duplicateOf)).toEqual([first!.id, first!.id]);
  });

  it("reorders concurrent deliveries with jitter", async () => {
    const d = makeDeliverer({ reorderJitterMs: 200, seed: 3 });
    for (let i = 0; i < 20; i++) d.enqueue({ label: "x", render: () => String(i) });
    await d.waitForIdle();
    const order = received.map((r) => Number(r.body));
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    expect(order).not.toEqual([...Array(20).keys()]);
  });

  it("holds deliveries while paused and releases them on unpause", async () => {
    const d = makeDeliverer({ paused: true });
    d.enqueue({ label: "x", render: () => "{}" });
    await d.waitFor((records) => records.length === 1);
    expect(d.isIdle()).toBe(false);
    expect(received).toHaveLength(0);
    d.configure({ paused: false });
    await d.waitForIdle();
    expect(received).toHaveLength(1);
  });

  it("keeps at most `keep` deliveries, forgetting the oldest settled ones and never one still owed", () => {
    const d = createWebhookDeliverer({
      name: "test",
      sign: () => ({}),
      retryDelaysMs: [],
      keep: 10,
      knobs: { targetUrl: receiverUrl, paused: true },
      log: () => {},
    });
    deliverer = d;
    const owed = [0, 1, 2].map(() => d.enqueue({ label: "held", render: () => "{}" }));
    d.configure({ targetUrl: null }); // what follows settles at once, as `skipped`
    const settled = [...Array(30).keys()].map(() => d.enqueue({ label: "skipped", render: () => "{}" }));
    const kept = d.deliveries().map((r) => r.id);
    expect(kept.length).toBeLessThanOrEqual(10);
    expect(kept.slice(0, 3)).toEqual(owed);
    expect(kept.at(-1)).toBe(settled.at(-1));
    expect(kept.slice(3)).toEqual(settled.slice(settled.length - (kept.length - 3)));
  });

  it("records deliveries as skipped when no target is configured", async () => {
    const d = makeDeliverer({ targetUrl: null });
    d.enqueue({ label: "x", render: () => "{}" });
    await d.waitForIdle();
    expect(d.deliveries()[0]!.state).toBe("skipped");
    expect(received).toHaveLength(0);
  });

  it("forgets queued work and history on reset", () => {
    const d = makeDeliverer({ delayMs: 60_000 });
    d.enqueue({ label: "x", render: () => "{}" });
    expect(d.isIdle()).toBe(false);
    d.reset();
    expect(d.isIdle()).toBe(true);
    expect(d.deliveries()).toEqual([]);
  });
});
