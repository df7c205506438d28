import { describe, expect, it } from "vitest";
import { localHour } from "./scan";

describe("localHour", () => {
  it("reads the wall clock of the configured zone", () => {
    const at = new Date("2026-01-15T18:00:00Z");
    expect(localHour(at, "Asia/Shanghai")).toBe(2);
    expect(localHour(at, "UTC")).toBe(18);
    expect(localHour(at, "America/New_York")).toBe(13);
  });

  it("follows daylight saving time", () => {
    expect(localHour(new Date("2026-07-15T06:00:00Z"), "Europe/London")).toBe(7);
    expect(localHour(new Date("2026-01-15T06:00:00Z"), "Europe/London")).toBe(6);
  });
});
