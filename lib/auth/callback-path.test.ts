import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./callback-path";

describe("safeCallbackPath", () => {
  it("keeps same-site paths", () => {
    expect(safeCallbackPath("/settings?tab=1")).toBe("/settings?tab=1");
  });
  it("keeps an absolute URL on this host as its path", () => {
    expect(safeCallbackPath("http://localhost:3000/settings?x=1", "localhost:3000")).toBe("/settings?x=1");
  });
  it.each([
    undefined,
    "",
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "settings",
    "javascript:alert(1)",
  ])("sends %s home", (raw) => expect(safeCallbackPath(raw, "localhost:3000")).toBe("/"));
  it("refuses an absolute URL on another host", () => {
    expect(safeCallbackPath("http://evil.example/settings", "localhost:3000")).toBe("/");
  });
});
