/**
 * `writeWave` (one Inngest step's worth of batches): bounded parallelism, no batch left running
 * unobserved when one fails, no new batch started after a failure, a 429 preferred over other
 * errors (its retry-after is what Inngest must wait), cancellation reported.
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

const { writeWave } = await import("@/lib/imports/run");
const ranges = (n: number): TBatchRange[] =>
  Array.from({ length: n }, (_, i) => ({ from: i * 100 + 1, to: i * 100 + 100 }));
const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(() => {
  calls.length = 0;
  inFlight = 0;
  maxInFlight = 0;
});

describe("writeWave", () => {
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
});
