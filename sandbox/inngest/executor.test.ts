import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { classifyResponse, signBody } from "./executor";

const h = (entries: Record<string, string> = {}) => new Headers(entries);

describe("classifying the SDK's answers (SDK spec 4.4.3, 5.1.1)", () => {
  it("200 is the run's return value", () => {
    expect(classifyResponse(200, h({ "x-inngest-req-version": "2" }), '{"ok":true}', 0)).toEqual({
      kind: "complete",
      status: 200,
      output: { ok: true },
      requestVersion: 2,
    });
  });

  it("206 lists step operations", () => {
    const result = classifyResponse(206, h(), JSON.stringify([{ id: "abc", op: "StepRun", data: 1 }]), 0);
    expect(result).toMatchObject({ kind: "ops", ops: [{ id: "abc", op: "StepRun", data: 1 }] });
  });

  it("a 206 that is not a list of ops is malformed (and retriable)", () => {
    expect(classifyResponse(206, h(), '{"nope":1}', 0)).toMatchObject({
      kind: "error",
      malformed: true,
      noRetry: false,
    });
  });

  it("errors carry x-inngest-no-retry and retry-after", () => {
    const body = JSON.stringify({ name: "NonRetriableError", message: "bad input" });
    expect(classifyResponse(400, h({ "x-inngest-no-retry": "true" }), body, 0)).toMatchObject({
      kind: "error",
      noRetry: true,
      error: { name: "NonRetriableError", message: "bad input" },
    });
    expect(
      classifyResponse(500, h({ "x-inngest-no-retry": "false", "retry-after": "30" }), body, 0),
    ).toMatchObject({
      noRetry: false,
      retryAfterMs: 30_000,
    });
    expect(classifyResponse(502, h(), "<html>Bad gateway</html>", 0)).toMatchObject({
      kind: "error",
      noRetry: false,
      error: { name: "Error", message: "<html>Bad gateway</html>" },
    });
  });

  it("unwraps streamed answers (201, heartbeats, then the real response)", () => {
    const streamed = `   ${JSON.stringify({ status: 206, headers: { "x-inngest-req-version": "2" }, body: JSON.stringify([{ id: "s", op: "Sleep", name: "1h" }]) })}`;
    expect(classifyResponse(201, h(), streamed, 0)).toMatchObject({
      kind: "ops",
      requestVersion: 2,
      ops: [{ op: "Sleep" }],
    });
  });
});

describe("signing calls (SDK spec 4.1.1)", () => {
  it("is HMAC-SHA256 of body + timestamp keyed by the key without its prefix", () => {
    const key = "signkey-test-00ff";
    const expected = createHmac("sha256", "00ff").update('{"a":1}1700000000').digest("hex");
    expect(signBody('{"a":1}', key, 1_700_000_000)).toBe(`t=1700000000&s=${expected}`);
  });
});
