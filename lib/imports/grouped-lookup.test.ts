import { describe, expect, it } from "vitest";
import { groupedLookup } from "@/lib/imports/grouped-lookup";

const ranges = Array.from({ length: 7 }, (_, i) => ({ from: i * 100 + 1, to: i * 100 + 100 }));

describe("groupedLookup", () => {
  it("looks up once per group of batches, spanning the group's rows, shared by its batches", async () => {
    const spans: { from: number; to: number }[] = [];
    const lookup = groupedLookup(ranges, 3, (span) => {
      spans.push(span);
      return Promise.resolve(spans.length);
    });
    const answers = await Promise.all(ranges.map((r) => lookup(r)));
    expect(spans).toEqual([
      { from: 1, to: 300 },
      { from: 301, to: 600 },
      { from: 601, to: 700 },
    ]);
    expect(answers).toEqual([1, 1, 1, 2, 2, 2, 3]);
  });

  it("forgets a failed lookup so the batch's retry asks again; an unplanned range asks alone", async () => {
    let calls = 0;
    const lookup = groupedLookup(ranges, 3, (span) => {
      calls++;
      return calls === 1 ? Promise.reject(new Error("HubSpot 503")) : Promise.resolve(span);
    });
    await expect(lookup(ranges[0]!)).rejects.toThrow("HubSpot 503");
    await expect(lookup(ranges[1]!)).resolves.toEqual({ from: 1, to: 300 });
    await expect(lookup({ from: 150, to: 180 })).resolves.toEqual({ from: 150, to: 180 });
    expect(calls).toBe(3);
  });
});
