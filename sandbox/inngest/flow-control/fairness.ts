/**
 * Fair share between functions when the runner's own `maxInFlight` is the limit. Inngest keeps one
 * queue partition per function and picks partitions in a shuffled order, so a function with a long
 * backlog never holds back another function's fresh work. A single oldest-first queue did: with the
 * slots full, each slot freed went to the oldest row, i.e. to the backlogged function (the seed burst's
 * real Stripe changes waited tens of seconds behind 10,000 contact syncs). The deterministic stand-in
 * used here: a due item goes first when its function has the fewest calls in flight counting the
 * items of that function taken before it; ties by due time. Concurrency limits still apply on top.
 */
export interface TFairCandidate {
  /** The function (or, for timers without a run, the queue kind). */
  part: string;
  /** 1 for a function's oldest due item, 2 for its next, … */
  rank: number;
  runAtMs: number;
  id: string;
}

export function fairOrder<T extends TFairCandidate>(
  candidates: readonly T[],
  inFlight: ReadonlyMap<string, number>,
): T[] {
  const share = (c: T) => (inFlight.get(c.part) ?? 0) + c.rank;
  return [...candidates].sort(
    (a, b) => share(a) - share(b) || a.runAtMs - b.runAtMs || Number(BigInt(a.id) - BigInt(b.id)),
  );
}
