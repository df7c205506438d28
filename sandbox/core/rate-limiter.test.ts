import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate-limiter";

function clock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("createRateLimiter — rolling window", () => {
  it("allows exactly the limit within any interval and refuses the next", () => {
    const c = clock();
    const l = createRateLimiter({
      windows: [{ name: "TEN_SECONDLY_ROLLING", limit: 3, intervalMs: 10_000 }],
      now: c.now,
    });
    expect([l.take("a"), l.take("a"), l.take("a")].map((r) => r.allowed)).toEqual([true, true, true]);
    const refused = l.take("a");
    expect(refused).toMatchObject({
      allowed: false,
      blockedBy: "TEN_SECONDLY_ROLLING",
      retryAfterMs: 10_000,
    });
    expect(refused.windows[0]).toMatchObject({ remaining: 0, limit: 3 });
  });

  it("slides: a slot frees exactly when the oldest request leaves the interval", () => {
    const c = clock();
    const l = createRateLimiter({ windows: [{ name: "w", limit: 2, intervalMs: 1_000 }], now: c.now });
    l.take("a");
    c.advance(400);
    l.take("a");
    c.advance(599);
    expect(l.take("a")).toMatchObject({ allowed: false, retryAfterMs: 1 });
    c.advance(1);
    expect(l.take("a").allowed).toBe(true);
    // The second request (t=400) still occupies the window until t=1400.
    expect(l.take("a")).toMatchObject({ allowed: false, retryAfterMs: 400 });
  });

  it("does not count refused requests", () => {
    const c = clock();
    const l = createRateLimiter({ windows: [{ name: "w", limit: 1, intervalMs: 1_000 }], now: c.now });
    l.take("a");
    for (let i = 0; i < 10; i++) l.take("a");
    c.advance(1_000);
    expect(l.take("a").allowed).toBe(true);
  });

  it("keeps keys independent", () => {
    const c = clock();
    const l = createRateLimiter({ windows: [{ name: "w", limit: 1, intervalMs: 1_000 }], now: c.now });
    expect(l.take("a").allowed).toBe(true);
    expect(l.take("b").allowed).toBe(true);
    expect(l.take("a").allowed).toBe(false);
  });

  it("charges a cost of several slots at once, or none", () => {
    const c = clock();
    const l = createRateLimiter({ windows: [{ name: "w", limit: 5, intervalMs: 1_000 }], now: c.now });
    expect(l.take("a", 4).allowed).toBe(true);
    expect(l.take("a", 2).allowed).toBe(false);
    expect(l.take("a", 1).windows[0]?.remaining).toBe(0);
  });

  it("applies a live limit change to the history already counted", () => {
    const c = clock();
    const l = createRateLimiter({ windows: [{ name: "w", limit: 10, intervalMs: 1_000 }], now: c.now });
    for (let i = 0; i < 5; i++) l.take("a");
    l.configure("w", { limit: 5 });
    expect(l.take("a").allowed).toBe(false);
    expect(l.config()[0]).toMatchObject({ limit: 5 });
  });

  it("stays correct over many requests (log compaction)", () => {
    const c = clock();
    const l = createRateLimiter({ windows: [{ name: "w", limit: 100, intervalMs: 1_000 }], now: c.now });
    let allowed = 0;
    for (let i = 0; i < 20_000; i++) {
      if (l.take("a").allowed) allowed++;
      c.advance(1);
    }
    // 20 s at 100 per rolling second.
    expect(allowed).toBe(2_000);
  });
});

describe("createRateLimiter — several windows", () => {
  it("refuses on the fixed daily window, which resets at the UTC boundary", () => {
    const day = 86_400_000;
    const c = clock(Math.floor(1_700_000_000_000 / day) * day + day - 2_000);
    const l = createRateLimiter({
      windows: [
        { name: "TEN_SECONDLY_ROLLING", limit: 100, intervalMs: 10_000 },
        { name: "DAILY", limit: 2, intervalMs: day, kind: "fixed" },
      ],
      now: c.now,
    });
    l.take("a");
    l.take("a");
    const refused = l.take("a");
    expect(refused).toMatchObject({ allowed: false, blockedBy: "DAILY", retryAfterMs: 2_000 });
    expect(refused.windows.map((w) => w.remaining)).toEqual([98, 0]);
    c.advance(2_000);
    expect(l.take("a").allowed).toBe(true);
  });

  it("charges no window when another refuses", () => {
    const c = clock();
    const l = createRateLimiter({
      windows: [
        { name: "burst", limit: 1, intervalMs: 1_000 },
        { name: "daily", limit: 10, intervalMs: 86_400_000, kind: "fixed" },
      ],
      now: c.now,
    });
    l.take("a");
    l.take("a");
    l.take("a");
    expect(l.peek("a").map((w) => w.remaining)).toEqual([0, 9]);
  });

  it("forgets everything on reset", () => {
    const l = createRateLimiter({ windows: [{ name: "w", limit: 1, intervalMs: 60_000 }] });
    l.take("a");
    l.reset();
    expect(l.take("a").allowed).toBe(true);
  });
});
