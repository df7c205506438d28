/**
 * How many generated inputs each property gets. CI runs the short default; the full run sets
 * FUZZ_RUNS=10000 (see test/fuzz/README.md). Read through lib/env's parser, the one place the
 * environment is read.
 */
import { z } from "zod";
import { parseEnv } from "@/lib/env";

const { FUZZ_RUNS, FUZZ_SEED } = parseEnv(
  z.object({
    FUZZ_RUNS: z.coerce.number().int().positive().default(40),
    FUZZ_SEED: z.coerce.number().int().optional(),
  }),
);

export const fuzzRuns = FUZZ_RUNS;

/** The on-demand full run (FUZZ_RUNS of 1,000 or more) also does the slowest checks. */
export const fullFuzzRun = FUZZ_RUNS >= 1_000;

/**
 * Inputs per console handler: the full run gives each of the ~70 handler methods all FUZZ_RUNS; the
 * short run a quarter, so the whole suite stays within CI's budget.
 */
export const consoleFuzzRuns = fullFuzzRun ? FUZZ_RUNS : Math.max(5, Math.ceil(FUZZ_RUNS / 4));

/** fast-check parameters: the run count, and a fixed seed when one is given to replay a failure. */
export function fuzzParams(runs = fuzzRuns): { numRuns: number; seed?: number; endOnFailure: boolean } {
  return { numRuns: runs, endOnFailure: true, ...(FUZZ_SEED === undefined ? {} : { seed: FUZZ_SEED }) };
}

/** A test's time budget scaled to the run count (a generous 60 ms an input, at least a minute). */
export function fuzzTimeout(propertiesInTest = 1): number {
  return Math.max(60_000, fuzzRuns * propertiesInTest * 60);
}
