import { NonRetriableError } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { external, startConformance, waitFor, type TConformance } from "./conformance-harness";

/** Memoization, parallel steps, sleep, waitForEvent, invoke, sendEvent, triggers with `if`, event-id dedupe. */
describe("local Inngest runner — steps", () => {
  let c: TConformance;
  const counts = { a: 0, b: 0, c: 0, dedupe: 0 };
  const fanned: number[] = [];
  const ready = new Set<string>();
  const matched: string[] = [];
  // One simulated hour passes in one real second.
  const hour = external ? "3s" : "1h";

  beforeAll(async () => {
    c = await startConformance({
      // Small request cap: calls carrying large step results switch to `use_api` (SDK spec 4.4.2).
      runner: { timeCompression: 3600, maxRequestBytes: 16_000 },
      functions: (inngest) => {
        const child = inngest.createFunction({ id: "child", triggers: [] }, ({ event }) => ({
          doubled: Number((event.data as { n?: unknown }).n) * 2,
        }));
        const failingChild = inngest.createFunction({ id: "failing-child", retries: 0, triggers: [] }, () => {
          throw new NonRetriableError("child refused");
        });
        return [
          child,
          failingChild,
          inngest.createFunction(
            { id: "memo", triggers: [{ event: "test/memo" }] },
            async ({ event, step }) => {
              const a = await step.run("a", () => {
                counts.a++;
                return `A${String(event.data.x)}`;
              });
              await step.sleep("nap", hour);
              const [b, cc] = await Promise.all([
                step.run("b", () => {
                  counts.b++;
                  return "B";
                }),
                step.run("c", () => {
                  counts.c++;
                  return "C";
                }),
              ]);
              return { a, b, c: cc };
            },
          ),
          inngest.createFunction(
            { id: "waiter", triggers: [{ event: "test/order.created" }] },
            async ({ event, step }) => {
              await step.run("ready", () => {
                ready.add(String(event.data.orderId));
              });
              const approval = await step.waitForEvent("approval", {
                event: "test/order.approved",
                timeout: "1d",
                match: "data.orderId",
              });
              if (approval) matched.push(String(event.data.orderId));
              return { approvedBy: (approval?.data as { by?: string } | undefined)?.by ?? null };
            },
          ),
          inngest.createFunction(
            { id: "wait-timeout", triggers: [{ event: "test/wait.timeout" }] },
            async ({ step }) => {
              const got = await step.waitForEvent("never", { event: "test/never", timeout: hour });
              return { got };
            },
          ),
          inngest.createFunction(
            { id: "invoker", triggers: [{ event: "test/invoke" }] },
            async ({ step }) => {
              const ok = await step.invoke("call-child", { function: child, data: { n: 21 } });
              let failure: string | null = null;
              try {
                await step.invoke("call-failing", { function: failingChild, data: {} });
              } catch (err) {
                failure = err instanceof Error ? err.message : String(err);
              }
              return { ok, failure };
            },
          ),
          inngest.createFunction({ id: "sender", triggers: [{ event: "test/send" }] }, async ({ step }) => {
            const sent = await step.sendEvent("fan-out", [
              { name: "test/fanned", data: { i: 1 } },
              { name: "test/fanned", data: { i: 2 } },
            ]);
            return { count: sent.ids.length };
          }),
          inngest.createFunction({ id: "fanned", triggers: [{ event: "test/fanned" }] }, ({ event }) => {
            fanned.push(Number(event.data.i));
          }),
          inngest.createFunction({ id: "big", triggers: [{ event: "test/big" }] }, async ({ step }) => {
            const blob = await step.run("blob", () => "x".repeat(20_000));
            const again = await step.run("again", () => blob.length);
            return { length: again, echoed: blob.length };
          }),
          inngest.createFunction({ id: "dedupe", triggers: [{ event: "test/dedupe" }] }, () => {
            counts.dedupe++;
          }),
          inngest.createFunction(
            {
              id: "pro-only",
              triggers: [{ event: "test/signup", if: "event.data.plan == 'pro' && event.data.seats > 5" }],
            },
            ({ event }) => ({ plan: String(event.data.plan) }),
          ),
        ];
      },
    });
  });

  afterAll(async () => {
    await c?.close();
  });

  it("memoizes steps, runs parallel steps and sleeps (one hour in a blink)", async () => {
    const started = Date.now();
    const id = await c.send("test/memo", { x: 1 });
    const [run] = await c.finishedRunsForEvent(id);
    expect(run?.status).toBe("Completed");
    expect(run?.output).toEqual({ a: "A1", b: "B", c: "C" });
    expect(counts).toMatchObject({ a: 1, b: 1, c: 1 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(8_000);
    if (external || !run) return;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    const detail = await c.run(run.run_id);
    expect(detail.steps.map((s) => [s.name, s.status]).sort()).toEqual([
      ["a", "completed"],
      ["b", "completed"],
      ["c", "completed"],
      ["nap", "completed"],
    ]);
    expect(detail.attempts.map((a) => a.outcome)).toContain("ops:StepPlanned,StepPlanned");
  });

  it("resolves waitForEvent with the matching event only, and with null at the timeout", async () => {
    const first = await c.send("test/order.created", { orderId: "A" });
    const second = await c.send("test/order.created", { orderId: "B" });
    await waitFor(() => ready.has("A") && ready.has("B"), "both waiters to reach their wait");
    // The wait is registered by the call after "ready"; resend until it has been matched.
    const [runA] = await waitFor(async () => {
      await c.send("test/order.approved", { orderId: "A", by: "ops@example.com" });
      const runs = await c.runsForEvent(first);
      return runs[0]?.status === "Completed" ? runs : undefined;
    }, "order A to be approved");
    expect(runA?.output).toEqual({ approvedBy: "ops@example.com" });
    expect(matched).toEqual(["A"]);
    expect((await c.runsForEvent(second))[0]?.status).toBe("Running");

    const timeoutEvent = await c.send("test/wait.timeout");
    const [timedOut] = await c.finishedRunsForEvent(timeoutEvent);
    expect(timedOut?.output).toEqual({ got: null });
  });

  it("invokes another function and returns its result or throws its error", async () => {
    const id = await c.send("test/invoke");
    const [run] = await c.finishedRunsForEvent(id);
    expect(run?.status).toBe("Completed");
    expect(run?.output).toMatchObject({ ok: { doubled: 42 } });
    expect(String((run?.output as { failure: string }).failure)).toContain("child refused");
  });

  it("accepts events from step.sendEvent like any other event", async () => {
    const id = await c.send("test/send");
    const [run] = await c.finishedRunsForEvent(id);
    expect(run?.output).toEqual({ count: 2 });
    await waitFor(() => fanned.length === 2, "both fanned-out events to run");
    expect(fanned.sort()).toEqual([1, 2]);
  });

  it("starts one run per event id (24 h dedupe)", async () => {
    const id = `dedupe-${Date.now()}`;
    const first = await c.send("test/dedupe", {}, { id });
    const repeat = await c.send("test/dedupe", { again: true }, { id });
    // A later event with another id: once its run is done, a duplicate run would have been done too.
    const marker = await c.send("test/dedupe");
    await c.finishedRunsForEvent(marker);
    await c.finishedRunsForEvent(first);
    expect(await c.runsForEvent(repeat)).toHaveLength(0);
    expect(counts.dedupe).toBe(2);
  });

  it.skipIf(external)("serves large runs through the SDK's API fallback (use_api)", async () => {
    const id = await c.send("test/big");
    const [run] = await c.finishedRunsForEvent(id);
    expect(run?.output).toEqual({ length: 20_000, echoed: 20_000 });
  });

  it("only triggers when the trigger's `if` expression holds", async () => {
    const pro = await c.send("test/signup", { plan: "pro", seats: 10 });
    const small = await c.send("test/signup", { plan: "pro", seats: 2 });
    const free = await c.send("test/signup", { plan: "free", seats: 50 });
    const [run] = await c.finishedRunsForEvent(pro);
    expect(run?.output).toEqual({ plan: "pro" });
    expect(await c.runsForEvent(small)).toHaveLength(0);
    expect(await c.runsForEvent(free)).toHaveLength(0);
  });

  it.skipIf(external)(
    "rejects malformed registrations and events with a clear 400, and keeps serving",
    async () => {
      const bad = await fetch(`${c.runnerUrl}/fn/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          url: "http://127.0.0.1:1/api/inngest",
          appName: "broken-app",
          functions: [
            {
              id: "broken-app-fn",
              triggers: [{ event: "a/b", expression: "event.data.tags.exists(t, t == 'x')" }],
              steps: {
                step: {
                  id: "step",
                  name: "step",
                  runtime: { type: "http", url: "http://127.0.0.1:1/api/inngest?fnId=x&stepId=step" },
                },
              },
            },
            {
              id: "broken-cron",
              triggers: [{ cron: "61 * * * *" }],
              steps: { step: { runtime: { url: "http://127.0.0.1:1/x" } } },
            },
          ],
        }),
      });
      expect(bad.status).toBe(400);
      const body = (await bad.json()) as { error: string };
      expect(body.error).toContain("broken-app-fn");
      expect(body.error).toContain("function calls");
      expect(body.error).toContain("broken-cron");

      const badEvent = await fetch(`${c.runnerUrl}/e/key`, {
        method: "POST",
        body: JSON.stringify([{ data: {} }]),
      });
      expect(badEvent.status).toBe(400);
      expect(((await badEvent.json()) as { error: string }).error).toContain("event[0].name");
      const notJson = await fetch(`${c.runnerUrl}/e/key`, { method: "POST", body: "{nope" });
      expect(notJson.status).toBe(400);

      // Problems are recorded off the request path; poll until both have landed.
      await waitFor(async () => {
        const problems = await c.api<{ data: Array<{ kind: string }> }>("/v1/errors");
        const kinds = problems.data.map((p) => p.kind);
        return kinds.includes("register") && kinds.includes("event");
      }, "the register and event problems in GET /v1/errors");
      const functions = await c.api<{ data: Array<{ id: string }> }>("/v1/functions");
      expect(functions.data.map((f) => f.id)).not.toContain("broken-app-fn");
      expect(functions.data.map((f) => f.id)).toContain(c.fnId("memo"));
    },
  );
});
