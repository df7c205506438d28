import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Work lanes: which kind of work the current async call chain is doing, so that shared resources can
 * serve latency-sensitive work first without every call site passing a flag down.
 *
 * - `realtime`: a few records someone is waiting for (a Stripe customer or purchase on its way to
 *   HubSpot: 5 s target). Its database statements use a small pool of their own (lib/db.ts), so they
 *   never queue for a connection behind a burst.
 * - `bulk`: throughput work (a 10,000-contact H → S burst, backfill, catch-up). Its provider calls
 *   reserve only a short horizon ahead in the rate-limit governor (lib/sync/bulk-queue.ts) and wait
 *   in-process for the rest, so a realtime call finds the shared bucket at most that horizon deep.
 * - no lane (route handlers, pages, tests): the shared pool and the governor's plain queue.
 *
 * Set per step callback (`inLane("realtime", () => …)`), not around an Inngest handler: the SDK runs
 * step callbacks from its own execution loop, outside the handler's async context.
 */
export type TLane = "realtime" | "bulk";

const storage = new AsyncLocalStorage<TLane>();

/** Runs `work` (and everything it awaits) in `lane`. */
export function inLane<T>(lane: TLane, work: () => T): T {
  return storage.run(lane, work);
}

/** The lane of the current call chain, if any. */
export function currentLane(): TLane | undefined {
  return storage.getStore();
}
