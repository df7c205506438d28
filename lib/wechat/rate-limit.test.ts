import { describe, expect, it } from "vitest";
import { clientIp, RateLimiter } from "./rate-limit";

describe("RateLimiter", () => {
  it("allows a burst up to capacity, then refuses with a wait, then refills", () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    const limit = { capacity: 3, refillPerSecond: 1 };
    expect([1, 2, 3].map(() => limiter.take("k", limit))).toEqual([0, 0, 0]);
    expect(limiter.take("k", limit)).toBe(1000);
    expect(limiter.take("other", limit)).toBe(0);
    now = 1000;
    expect(limiter.take("k", limit)).toBe(0);
    expect(limiter.take("k", limit)).toBeGreaterThan(0);
  });

  it("reads the client address from proxy headers", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "1.2.3.4, 10.0.0.1" }))).toBe("1.2.3.4");
    expect(clientIp(new Headers({ "x-real-ip": "5.6.7.8" }))).toBe("5.6.7.8");
    expect(clientIp(new Headers())).toBe("unknown");
  });
});
