import { describe, expect, it } from "vitest";
import { computeBackoffMs, parseRetryAfter, parseTimeString, parseTimeTarget } from "./durations";

describe("time strings", () => {
  it.each([
    ["300ms", 300],
    ["2h45m", 9_900_000],
    ["1.5s", 1_500],
    ["1d", 86_400_000],
    ["1w2d", 777_600_000],
    ["0", 0],
  ])("%s = %d ms", (input, ms) => {
    expect(parseTimeString(input)).toBe(ms);
  });

  it.each(["", "5", "1y", "1h 2m", "abc"])("rejects %j", (input) => {
    expect(parseTimeString(input)).toBeUndefined();
  });

  it("accepts ISO dates as absolute targets (sleepUntil, timeouts)", () => {
    expect(parseTimeTarget("2030-01-02T03:04:05.000Z", 0)).toEqual({
      atMs: Date.parse("2030-01-02T03:04:05.000Z"),
      absolute: true,
    });
    expect(parseTimeTarget("10s", 1_000)).toEqual({ atMs: 11_000, absolute: false });
    expect(parseTimeTarget("soon", 0)).toBeUndefined();
  });

  it("follows Inngest's backoff table with up to 20% jitter", () => {
    expect(computeBackoffMs(0, () => 0)).toBe(15_000);
    expect(computeBackoffMs(1, () => 0)).toBe(30_000);
    expect(computeBackoffMs(0, () => 0.999)).toBeLessThan(18_000);
    expect(computeBackoffMs(99, () => 0)).toBe(7_200_000);
  });

  it("reads Retry-After as seconds or a date", () => {
    expect(parseRetryAfter("30", 0)).toBe(30_000);
    expect(parseRetryAfter(new Date(60_000).toISOString(), 0)).toBe(60_000);
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});
