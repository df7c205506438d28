import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { external, startConformance, type TConformance } from "./conformance-harness";

/**
 * With RUNNER_SIGNING_KEY, calls carry `X-Inngest-Signature` (SDK spec 4.1.3), so an app in cloud mode —
 * which verifies every call — accepts them, exactly as it accepts Inngest Cloud's.
 */
describe.skipIf(external)("local Inngest runner — signed calls to a cloud-mode app", () => {
  let c: TConformance;
  const signingKey = `signkey-test-${"ab12".repeat(16)}`;

  beforeAll(async () => {
    c = await startConformance({
      runner: { signingKey },
      client: { isDev: false, signingKey, eventKey: "local-event-key" },
      functions: (inngest) => [
        inngest.createFunction({ id: "signed", triggers: [{ event: "test/signed" }] }, async ({ step }) => {
          const greeting = await step.run("greet", () => "hello");
          return { greeting };
        }),
      ],
    });
  });

  afterAll(async () => {
    await c?.close();
  });

  it("is accepted by the SDK's signature check", async () => {
    const id = await c.send("test/signed");
    const [run] = await c.finishedRunsForEvent(id);
    expect(run?.status).toBe("Completed");
    expect(run?.output).toEqual({ greeting: "hello" });
  });

  it("shows the check is real: an unsigned call is refused with 401", async () => {
    const res = await fetch(`${c.appUrl}?fnId=${c.fnId("signed")}&stepId=step`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        event: { name: "test/signed", data: {} },
        events: [],
        steps: {},
        ctx: { run_id: "r", attempt: 0, stack: { stack: [], current: 0 } },
      }),
    });
    expect(res.status).toBe(401);
  });
});
