import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { external, startConformance, waitFor, type TConformance } from "./conformance-harness";

/**
 * Runner only (the slot limit is the runner's own `maxInFlight`): a function with a long backlog does
 * not hold back another function's fresh work, as Inngest's per-function queue partitions ensure.
 */
describe.skipIf(external)("local Inngest runner — fair share between functions", () => {
  let c: TConformance;
  const backlogDone: number[] = [];
  let freshDoneAt = 0;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    c = await startConformance({
      runner: { maxInFlight: 2 },
      functions: (inngest) => [
        inngest.createFunction({ id: "backlog", triggers: [{ event: "test/backlog" }] }, async ({ step }) => {
          await step.run("work", async () => {
            await sleep(150);
            backlogDone.push(Date.now());
          });
        }),
        inngest.createFunction({ id: "fresh", triggers: [{ event: "test/fresh" }] }, () => {
          freshDoneAt = Date.now();
        }),
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await c?.close();
  });

  it("runs a fresh event of another function at the next free slot, not after the backlog", async () => {
    await c.inngest.send(Array.from({ length: 20 }, (_, n) => ({ name: "test/backlog", data: { n } })));
    await waitFor(() => (backlogDone.length >= 1 ? true : undefined), "backlog started", 10_000);
    await c.send("test/fresh");
    await waitFor(() => (backlogDone.length >= 20 ? true : undefined), "backlog done", 30_000);
    expect(freshDoneAt).toBeGreaterThan(0);
    // Oldest-first across functions ran it after (nearly) all twenty: each slot freed went to the backlog.
    const before = backlogDone.filter((t) => t <= freshDoneAt).length;
    expect(before).toBeLessThanOrEqual(5);
  });
});
