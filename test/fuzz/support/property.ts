/**
 * The fuzz loop: for each generated input, call the handler in-process, judge the answer, and check
 * that no application row was written; around the whole run, compare every table's fingerprint. A
 * thrown handler, a 5xx or any write fails the property, and fast-check shrinks the input.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { setLogLevel } from "@/lib/logger";
import { changedTables, dbFingerprint, installWriteCounter, writeCounts, writesBetween } from "./db-state";
import { fuzzParams } from "./runs";

export async function fuzzNoChange<T>(
  arbitrary: fc.Arbitrary<T>,
  check: (input: T) => Promise<void>,
  options: {
    runs?: number;
    /** Tables a refused input may legitimately write (say why at the call). */
    allowedTables?: readonly string[];
  } = {},
): Promise<void> {
  const allowed = new Set(options.allowedTables ?? []);
  await installWriteCounter();
  const before = await dbFingerprint();
  await fc.assert(
    fc.asyncProperty(arbitrary, async (input) => {
      const writes = await writeCounts();
      await check(input);
      const written = Object.entries(writesBetween(writes, await writeCounts())).filter(
        ([table]) => !allowed.has(table),
      );
      expect(Object.fromEntries(written), "rows written while handling a refused input").toEqual({});
    }),
    fuzzParams(options.runs),
  );
  const changed = changedTables(before, await dbFingerprint()).filter((t) => !allowed.has(t));
  expect(changed, "tables changed by the fuzz run").toEqual([]);
}

/**
 * Thousands of refusals would each log an `api.refused` warning; only errors (an unhandled handler
 * failure is logged as `api.unhandled`) are worth reading in a fuzz run.
 */
export function quietRefusalLogs(): void {
  setLogLevel("error");
}
