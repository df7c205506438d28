import { describe, expect, it } from "vitest";
import { assertSameOrigin } from "./csrf";

function req(headers: Record<string, string>) {
  return new Request("http://localhost:3000/api/console/users/1", { method: "PATCH", headers });
}

describe("same-origin check for console mutations", () => {
  it("accepts a same-origin request", () => {
    expect(() =>
      assertSameOrigin(req({ host: "localhost:3000", origin: "http://localhost:3000" })),
    ).not.toThrow();
  });
  it.each([
    ["no Origin", { host: "localhost:3000" }],
    ["another site", { host: "localhost:3000", origin: "https://evil.example" }],
    [
      "cross-site fetch metadata",
      { host: "localhost:3000", origin: "http://localhost:3000", "sec-fetch-site": "cross-site" },
    ],
    ["malformed Origin", { host: "localhost:3000", origin: "::::" }],
  ])("refuses %s with 403", (_label, headers) => {
    expect(() => assertSameOrigin(req(headers))).toThrow(expect.objectContaining({ status: 403 }));
  });
});
