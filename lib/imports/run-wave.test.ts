/**
 * `writeBatches` (one object's queue of batches): bounded parallelism, no batch left running
 * unobserved when one fails, no new batch started after a failure or past the deadline, a 429
 * preferred over other errors (its retry-after is what Inngest must wait), cancellation reported.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ProviderRateLimitedError, ProviderUnavailableError } from "@/lib/connectors/errors";
import type { TBatchRange } from "@/lib/imports/write-batch";

const calls: number[] = [];
let inFlight = 0;
let maxInFlight = 0;
let behaviour: (from: number) => Promise<{ written: number; cancelled?: boolean }>;

vi.mock("@/lib/imports/write-batch", () => ({
  planBatches: vi.fn(),
  writeBatch: async (_job: string, _object: string, range: TBatchRange) => {
    calls.push(range.from);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      return await behaviour(range.from);
    } finally {
      inFlight--;
    }
  },
}));

const { writeBatches } = await import("@/lib/imports/run");
const writeWave = (
  job: string,
  object: "companies" | "contacts" | "tickets",
  r: TBatchRange[],
  parallel: number,
) => writeBatches(job, object, r, { parallel }).then(({ written, cancelled }) => ({ written, cancelled }));
const ranges = (n: number): TBatchRange[] =>
  Array.from({ length: n }, (_, i) => ({ from: i * 100 + 1, to: i * 100 + 100 }));
const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(() => {
  calls.length = 0;
  inFlight = 0;
  maxInFlight = 0;
});

describe("writeBatches", () => {
  it("writes every batch with at most `parallel` in flight and sums what was written", async () => {
    behaviour = async () => {
      await later(5);
      return { written: 100 };
    };
    await expect(writeWave("job", "contacts", ranges(7), 3)).resolves.toEqual({
      written: 700,
      cancelled: false,
    });
    expect(calls).toHaveLength(7);
    expect(maxInFlight).toBe(3);
  });

  it("after a failure waits for the batches in flight, starts no new one and rethrows the 429", async () => {
    behaviour = async (from) => {
      if (from === 101) throw new ProviderUnavailableError("HUBSPOT", "HubSpot 502", 502);
      if (from === 201) {
        await later(10);
        throw new ProviderRateLimitedError("HUBSPOT", 1500);
      }
      await later(30);
      return { written: 100 };
    };
    const error = await writeWave("job", "contacts", ranges(10), 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRateLimitedError);
    expect((error as ProviderRateLimitedError).retryAfterMs).toBe(1500);
    expect(inFlight).toBe(0); // the slow first batch finished before the wave gave up
    expect(calls.sort((a, b) => a - b)).toEqual([1, 101, 201]);
  });

  it("rethrows the first error when none is a 429", async () => {
    behaviour = (from) =>
      from === 1
        ? Promise.reject(new ProviderUnavailableError("HUBSPOT", "down"))
        : later(5).then(() => ({ written: 100 }));
    await expect(writeWave("job", "tickets", ranges(4), 2)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(calls).toEqual([1, 101]);
  });

  it("stops at a cancelled job and says so", async () => {
    behaviour = (from) => Promise.resolve(from >= 201 ? { written: 0, cancelled: true } : { written: 100 });
    await expect(writeWave("job", "companies", ranges(6), 1)).resolves.toEqual({
      written: 200,
      cancelled: true,
    });
    expect(calls).toEqual([1, 101, 201]);
  });

  it("starts no batch past the deadline, finishes those in flight and counts the rest", async () => {
    behaviour = async () => {
      await later(40);
      return { written: 100 };
    };
    const r = await writeBatches("job", "contacts", ranges(10), { parallel: 2, deadline: Date.now() + 60 });
    expect(inFlight).toBe(0);
    expect(r.cancelled).toBe(false);
    expect(r.written).toBe(calls.length * 100);
    expect(calls.length).toBe(4); // two at 0 ms, two at 40 ms, none at 80 ms
    expect(r.unstarted).toBe(6);
  });

  it("keeps every slot busy: a slow batch does not hold the others back", async () => {
    let allOthersStarted: () => void = () => undefined;
    const others = new Promise<void>((resolve) => (allOthersStarted = resolve));
    behaviour = async (from) => {
      // The first batch answers only once the other eight have started: with a barrier per wave
      // (or per pair of slots) this would never happen and the test would time out.
      if (from === 1) await others;
      else if (calls.length === 9) allOthersStarted();
      await later(1);
      return { written: 100 };
    };
    await expect(writeBatches("job", "contacts", ranges(9), { parallel: 2 })).resolves.toMatchObject({
      written: 900,
    });
  });

  it("retries a batch through the given wrapper and reports each finished batch", async () => {
    let failedOnce = false;
    behaviour = async (from) => {
      if (from === 101 && !failedOnce) {
        failedOnce = true;
        throw new ProviderUnavailableError("HUBSPOT", "HubSpot 502", 502);
      }
      await later(1);
      return { written: 100 };
    };
    let finished = 0;
    const retry = async <T>(fn: () => Promise<T>): Promise<T> => fn().catch(() => fn());
    const r = await writeBatches("job", "tickets", ranges(3), {
      parallel: 1,
      retry,
      onBatch: () => finished++,
    });
    expect(r).toEqual({ written: 300, cancelled: false, unstarted: 0 });
    expect(finished).toBe(3);
    expect(calls).toEqual([1, 101, 101, 201]);
  });
});
