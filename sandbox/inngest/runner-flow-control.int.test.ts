import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTimeString } from "./durations";
import {
  external,
  startConformance,
  waitFor,
  type TConformance,
  type TRunSummary,
} from "./conformance-harness";

type TBenchEvent = { data: Record<string, unknown> };

/** batchEvents, concurrency, throttle, debounce, rateLimit, idempotency, cancelOn and cron. */
describe("local Inngest runner — flow control", () => {
  let c: TConformance;
  // Ten simulated minutes pass in one real second; against a real-time server, use short periods instead.
  const COMPRESSION = external ? 1 : 600;
  const span = <T extends string>(simulated: T, realTime: T): T => (external ? realTime : simulated);
  const throttlePeriod = span("120s", "2s");
  const batches: Array<{ fn: string; ids: string[]; tenant: unknown }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const throttledStarts: number[] = [];
  const debounced: Array<{ user: unknown; value: unknown }> = [];
  const cancellable: Record<string, string[]> = {};
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    c = await startConformance({
      runner: { timeCompression: COMPRESSION },
      functions: (inngest) => [
        inngest.createFunction(
          {
            id: "batch",
            batchEvents: { maxSize: 3, timeout: span("60s", "2s") },
            triggers: [{ event: "test/batch" }],
          },
          ({ events }) => {
            batches.push({
              fn: "batch",
              ids: events.map((e: TBenchEvent) => String(e.data.n)),
              tenant: null,
            });
            return events.length;
          },
        ),
        inngest.createFunction(
          {
            id: "batch-keyed",
            batchEvents: { maxSize: 10, timeout: span("60s", "2s"), key: "event.data.tenant" },
            triggers: [{ event: "test/batch-keyed" }],
          },
          ({ events }) => {
            batches.push({
              fn: "batch-keyed",
              ids: events.map((e: TBenchEvent) => String(e.data.n)),
              tenant: events[0]?.data.tenant,
            });
          },
        ),
        inngest.createFunction(
          { id: "limited", concurrency: { limit: 2 }, triggers: [{ event: "test/limited" }] },
          async ({ step }) => {
            await step.run("work", async () => {
              inFlight++;
              maxInFlight = Math.max(maxInFlight, inFlight);
              await sleep(120);
              inFlight--;
            });
          },
        ),
        inngest.createFunction(
          {
            id: "throttled",
            throttle: { limit: 1, period: throttlePeriod },
            triggers: [{ event: "test/throttled" }],
          },
          ({ attempt }) => {
            if (attempt === 0) throttledStarts.push(Date.now());
          },
        ),
        inngest.createFunction(
          {
            id: "debounced",
            debounce: { period: span("5m", "3s"), key: "event.data.user" },
            triggers: [{ event: "test/debounced" }],
          },
          ({ event }) => {
            debounced.push({ user: event.data.user, value: event.data.value });
          },
        ),
        inngest.createFunction(
          {
            id: "rate-limited",
            rateLimit: { limit: 1, period: span("1h", "1m") },
            triggers: [{ event: "test/rate-limited" }],
          },
          () => "ran",
        ),
        inngest.createFunction(
          { id: "idempotent", idempotency: "event.data.orderId", triggers: [{ event: "test/idempotent" }] },
          () => "ran",
        ),
        inngest.createFunction(
          {
            id: "cancellable",
            cancelOn: [{ event: "test/order.cancelled", match: "data.orderId" }],
            triggers: [{ event: "test/order.placed" }],
          },
          async ({ event, step }) => {
            const order = String(event.data.orderId);
            await step.run("start", () => {
              cancellable[order] = [...(cancellable[order] ?? []), "start"];
            });
            await step.sleep("cool-off", span("10m", "3s"));
            await step.run("finish", () => {
              cancellable[order] = [...(cancellable[order] ?? []), "finish"];
            });
          },
        ),
        inngest.createFunction(
          { id: "ticker", triggers: [{ cron: "TZ=Asia/Shanghai */5 * * * *" }] },
          ({ event }) => ({ cron: (event.data as { cron?: string }).cron }),
        ),
      ],
    });
  });

  afterAll(async () => {
    await c?.close();
  });

  const finishedRuns = (fn: string, count: number) =>
    waitFor(async () => {
      const runs = await c.runs(fn);
      return runs.length >= count &&
        runs.every((r) => ["Completed", "Failed", "Cancelled"].includes(r.status))
        ? runs
        : undefined;
    }, `${count} finished runs of ${fn}`);

  it("batches events: full batches start at once, the rest after the timeout", async () => {
    const { ids } = await c.inngest.send([1, 2, 3, 4, 5].map((n) => ({ name: "test/batch", data: { n } })));
    expect(await c.finishedRunsForEvents(ids)).toHaveLength(2);
    const sizes = batches.filter((b) => b.fn === "batch").map((b) => b.ids.length);
    expect(sizes).toEqual([3, 2]);
    expect(
      batches
        .filter((b) => b.fn === "batch")
        .flatMap((b) => b.ids)
        .sort(),
    ).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("batches per key", async () => {
    const { ids } = await c.inngest.send([
      { name: "test/batch-keyed", data: { n: 1, tenant: "a" } },
      { name: "test/batch-keyed", data: { n: 2, tenant: "b" } },
      { name: "test/batch-keyed", data: { n: 3, tenant: "a" } },
    ]);
    expect(await c.finishedRunsForEvents(ids)).toHaveLength(2);
    const keyed = batches.filter((b) => b.fn === "batch-keyed").map((b) => [b.tenant, b.ids]);
    expect(keyed.sort()).toEqual([
      ["a", ["1", "3"]],
      ["b", ["2"]],
    ]);
  });

  it("never runs more steps at once than the concurrency limit", async () => {
    const { ids } = await c.inngest.send(
      Array.from({ length: 6 }, (_, n) => ({ name: "test/limited", data: { n } })),
    );
    expect(await c.finishedRunsForEvents(ids)).toHaveLength(6);
    expect(maxInFlight).toBe(2);
  });

  it("throttles run starts to the limit per period (queued, not dropped)", async () => {
    const sentAt = Date.now();
    const { ids } = await c.inngest.send(
      Array.from({ length: 4 }, (_, n) => ({ name: "test/throttled", data: { n } })),
    );
    expect(await c.finishedRunsForEvents(ids)).toHaveLength(4);
    expect(throttledStarts).toHaveLength(4);
    // One slot per period (limit 1) — 120 s compressed to 200 ms; the first slot is at once. Slots are
    // planned from the send, and a start may come late but never before its slot: measuring from the
    // first (possibly late) start instead would fail whenever that one is delayed by load.
    const interval = (parseTimeString(throttlePeriod) ?? 0) / COMPRESSION;
    throttledStarts.forEach((t, i) => expect(t - sentAt).toBeGreaterThanOrEqual(i * interval - 50));
  });

  it("debounces per key and runs with the last event", async () => {
    const u1: string[] = [];
    for (const value of [1, 2, 3]) u1.push(await c.send("test/debounced", { user: "u1", value }));
    const u2 = await c.send("test/debounced", { user: "u2", value: 9 });
    expect(await c.finishedRunsForEvents([u1[2] ?? "", u2])).toHaveLength(2);
    expect(await c.runsForEvent(u1[0] ?? "")).toHaveLength(0);
    expect(debounced.sort((a, b) => String(a.user).localeCompare(String(b.user)))).toEqual([
      { user: "u1", value: 3 },
      { user: "u2", value: 9 },
    ]);
  });

  it("drops runs over the rate limit", async () => {
    const ids = [
      await c.send("test/rate-limited"),
      await c.send("test/rate-limited"),
      await c.send("test/rate-limited"),
    ];
    await c.finishedRunsForEvent(ids[0] ?? "");
    const counts = await Promise.all(ids.map(async (id) => (await c.runsForEvent(id)).length));
    expect(counts).toEqual([1, 0, 0]);
  });

  it("starts one run per idempotency key", async () => {
    const first = await c.send("test/idempotent", { orderId: "o-1" });
    const repeat = await c.send("test/idempotent", { orderId: "o-1" });
    const other = await c.send("test/idempotent", { orderId: "o-2" });
    await c.finishedRunsForEvent(first);
    await c.finishedRunsForEvent(other);
    expect(await c.runsForEvent(repeat)).toHaveLength(0);
  });

  it("cancels matching runs on the cancelOn event and leaves others alone", async () => {
    const x = await c.send("test/order.placed", { orderId: "x" });
    const y = await c.send("test/order.placed", { orderId: "y" });
    await waitFor(
      () => cancellable.x?.includes("start") && cancellable.y?.includes("start"),
      "both orders to start",
    );
    await c.send("test/order.cancelled", { orderId: "x" });
    const [runX] = await c.finishedRunsForEvent(x);
    const [runY] = await c.finishedRunsForEvent(y);
    expect(runX?.status).toBe("Cancelled");
    expect(runY?.status).toBe("Completed");
    expect(cancellable).toEqual({ x: ["start"], y: ["start", "finish"] });
  });

  it.skipIf(external)("fires cron triggers (with a TZ= prefix) on schedule", async () => {
    const runs: TRunSummary[] = await finishedRuns("ticker", 2);
    expect(runs[0]?.output).toEqual({ cron: "TZ=Asia/Shanghai */5 * * * *" });
  });
});
