import { NonRetriableError, RetryAfterError, type FailureEventArgs } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTimeString } from "./durations";
import {
  external,
  startConformance,
  waitFor,
  type TConformance,
  type TRunDetail,
} from "./conformance-harness";

/** Retries (function and step level), backoff, NonRetriableError, RetryAfterError, onFailure. */
describe("local Inngest runner — retries and failure", () => {
  let c: TConformance;
  const COMPRESSION = external ? 1 : 600;
  const retryAfter = external ? "5s" : "120s";
  const flakyAttempts: number[] = [];
  const stepCalls = { before: 0, charge: 0, after: 0 };
  const failures: Array<{ message: string; originalEvent: string; fn: string }> = [];
  let fatalCalls = 0;
  let exhaustedCalls = 0;
  const retryAfterAt: number[] = [];

  beforeAll(async () => {
    c = await startConformance({
      runner: { timeCompression: COMPRESSION },
      functions: (inngest) => [
        inngest.createFunction({ id: "flaky", triggers: [{ event: "test/flaky" }] }, ({ attempt }) => {
          flakyAttempts.push(attempt);
          if (attempt < 2) throw new Error(`transient failure ${attempt}`);
          return { succeededOn: attempt };
        }),
        inngest.createFunction({ id: "fatal", triggers: [{ event: "test/fatal" }] }, () => {
          fatalCalls++;
          throw new NonRetriableError("bad input, retrying will not help");
        }),
        inngest.createFunction(
          {
            id: "exhausted",
            retries: 2,
            triggers: [{ event: "test/exhausted" }],
            onFailure: ({ event, error }: FailureEventArgs) => {
              failures.push({
                message: error.message,
                originalEvent: String(event.data.event.name),
                fn: String(event.data.function_id),
              });
            },
          },
          () => {
            exhaustedCalls++;
            throw new Error("still broken");
          },
        ),
        inngest.createFunction(
          { id: "step-flaky", triggers: [{ event: "test/step-flaky" }] },
          async ({ step }) => {
            await step.run("before", () => {
              stepCalls.before++;
            });
            const receipt = await step.run("charge", () => {
              stepCalls.charge++;
              if (stepCalls.charge < 3) throw new Error("card processor timeout");
              return "receipt-1";
            });
            await step.run("after", () => {
              stepCalls.after++;
            });
            return { receipt };
          },
        ),
        inngest.createFunction(
          { id: "caught", retries: 1, triggers: [{ event: "test/caught" }] },
          async ({ step }) => {
            try {
              await step.run("doomed", () => {
                throw new Error("nope");
              });
              return { caught: null };
            } catch (err) {
              return { caught: err instanceof Error ? err.message : String(err) };
            }
          },
        ),
        inngest.createFunction(
          { id: "retry-after", triggers: [{ event: "test/retry-after" }] },
          ({ attempt }) => {
            retryAfterAt.push(Date.now());
            if (attempt === 0) throw new RetryAfterError("rate limited upstream", retryAfter);
            return "ok";
          },
        ),
      ],
    });
  });

  afterAll(async () => {
    await c?.close();
  });

  const gaps = (detail: TRunDetail) =>
    detail.attempts
      .slice(1)
      .map((a, i) => Date.parse(a.started_at) - Date.parse(detail.attempts[i]?.ended_at ?? a.started_at));

  it("retries a failing function with backoff until it succeeds (three attempts)", async () => {
    const id = await c.send("test/flaky");
    const [run] = await c.finishedRunsForEvent(id);
    expect(run?.status).toBe("Completed");
    expect(run?.output).toEqual({ succeededOn: 2 });
    expect(flakyAttempts).toEqual([0, 1, 2]);
    if (external || !run) return;
    const detail = await c.run(run.run_id);
    expect(detail.attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [0, "error"],
      [1, "error"],
      [2, "completed"],
    ]);
    expect(detail.attempts[0]?.error).toMatchObject({ message: "transient failure 0" });
    // Inngest's table: 15 s then 30 s (+ jitter), compressed.
    const [first, second] = gaps(detail);
    expect(first).toBeGreaterThanOrEqual(15_000 / COMPRESSION - 2);
    expect(second).toBeGreaterThanOrEqual(30_000 / COMPRESSION - 2);
  });

  it("stops at one attempt on NonRetriableError", async () => {
    const id = await c.send("test/fatal");
    const [run] = await c.finishedRunsForEvent(id);
    expect(run?.status).toBe("Failed");
    expect(run?.output).toMatchObject({
      name: "NonRetriableError",
      message: "bad input, retrying will not help",
    });
    expect(fatalCalls).toBe(1);
    if (!external && run) expect((await c.run(run.run_id)).attempts).toHaveLength(1);
  });

  it("runs onFailure exactly once when retries run out", async () => {
    const id = await c.send("test/exhausted");
    const [run] = await c.finishedRunsForEvent(id);
    expect(run?.status).toBe("Failed");
    expect(exhaustedCalls).toBe(3);
    await waitFor(() => failures.length > 0, "the onFailure handler");
    if (!external) {
      const failureRuns = await waitFor(async () => {
        const runs = await c.runs("exhausted-failure");
        return runs.length > 0 && runs.every((r) => r.status === "Completed") ? runs : undefined;
      }, "the failure handler's run to finish");
      expect(failureRuns).toHaveLength(1);
    }
    expect(failures).toEqual([
      { message: "still broken", originalEvent: "test/exhausted", fn: c.fnId("exhausted") },
    ]);
  });

  it("retries a failing step without repeating completed steps", async () => {
    const id = await c.send("test/step-flaky");
    const [run] = await c.finishedRunsForEvent(id);
    expect(run?.output).toEqual({ receipt: "receipt-1" });
    expect(stepCalls).toEqual({ before: 1, charge: 3, after: 1 });
    if (external || !run) return;
    const detail = await c.run(run.run_id);
    expect(detail.steps.find((s) => s.name === "charge")).toMatchObject({ status: "completed", attempts: 3 });
    expect(detail.attempts.filter((a) => a.name === "charge").map((a) => [a.attempt, a.outcome])).toEqual([
      [0, "StepError"],
      [1, "StepError"],
      [2, "StepRun"],
    ]);
  });

  it("hands a step's final error to the function, which may catch it", async () => {
    const id = await c.send("test/caught");
    const [run] = await c.finishedRunsForEvent(id);
    expect(run?.status).toBe("Completed");
    expect(run?.output).toEqual({ caught: "nope" });
  });

  it("honours RetryAfterError's delay instead of the backoff table", async () => {
    const id = await c.send("test/retry-after");
    const [run] = await c.finishedRunsForEvent(id);
    expect(run?.output).toBe("ok");
    const [first, second] = retryAfterAt;
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(
      (parseTimeString(retryAfter) ?? 0) / COMPRESSION - 5,
    );
  });
});
