import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createSendWindow } from "@/lib/sync/send-window";

describe("send window", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it("lets a stalled batch leave no faster than the limit in any rolling second", async () => {
    const w = createSendWindow(1000);
    const left: number[] = [];
    // 25 requests due over the last 250 ms of a stall all come at once, after 90 sent in the second before.
    for (let i = 0; i < 90; i++) {
      await w.take(95);
      left.push(Date.now());
      await vi.advanceTimersByTimeAsync(i < 89 ? 8 : 0);
    }
    const batch = Array.from({ length: 25 }, () => w.take(95).then(() => left.push(Date.now())));
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(batch);
    expect(left).toHaveLength(115);
    for (let i = 0; i < left.length; i++) {
      const inWindow = left.filter((t) => t > left[i]! - 1000 && t <= left[i]!).length;
      expect(inWindow).toBeLessThanOrEqual(95);
    }
    // Five left soon after the stream's last one (room left in the window), the rest as the oldest aged out.
    expect(left.slice(90).filter((t) => t - left[89]! < 40)).toHaveLength(5);
    expect(left.at(-1)! - left[0]!).toBeGreaterThanOrEqual(1000);
  });

  it("spreads a backlog: sends at least half the limit's pace apart, not in one burst", async () => {
    const w = createSendWindow(1000);
    const left: number[] = [];
    // 40 requests due at once (timers that fired together after a stall of ours), limit 96.
    const batch = Array.from({ length: 40 }, () => w.take(96).then(() => left.push(Date.now())));
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(batch);
    for (let i = 1; i < left.length; i++) expect(left[i]! - left[i - 1]!).toBeGreaterThanOrEqual(5);
    // Twice the pace: ~0.2 s for 40, not the 0.4 s they would take at the limit's own pace.
    expect(left.at(-1)! - left[0]!).toBeLessThan(260);
  });

  it("does not delay a stream that stays under the limit", async () => {
    const w = createSendWindow(1000);
    const start = Date.now();
    for (let i = 0; i < 300; i++) {
      await w.take(100);
      expect(Date.now()).toBe(start + i * 10);
      await vi.advanceTimersByTimeAsync(10);
    }
  });
});
