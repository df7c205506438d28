import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./callback-path";

describe("safeCallbackPath", () => {
  it("keeps same-site paths", () => {
    expect(safeCallbackPath("/settings?tab=1")).toBe("/settings?tab=1");
  });
  it.each([undefined, "", "https://evil.example/", "//evil.example", "/\\evil.example", "settings"])(
    "sends %s home",
    (raw) => expect(safeCallbackPath(raw)).toBe("/"),
  );
});
