import type { TFaultKind } from "./faults";

/** What `GET /__sandbox/counters` reports; benchmarks diff two snapshots. */
export interface TCounters {
  since: string;
  requests: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  /** Every 429 answered, whether injected or from the provider's own limiter. */
  rateLimited: number;
  /** 2xx answers from write routes: what actually changed state. */
  writes: number;
  faults: Record<TFaultKind | "paused", number>;
  /** Connections dropped without an answer (timeouts, resets). */
  dropped: number;
}

function emptyFaults(): TCounters["faults"] {
  return { "429": 0, "500": 0, "503": 0, timeout: 0, reset: 0, paused: 0 };
}

export function createCounters() {
  let c: TCounters;

  function reset(): void {
    c = {
      since: new Date().toISOString(),
      requests: 0,
      byRoute: {},
      byStatus: {},
      rateLimited: 0,
      writes: 0,
      faults: emptyFaults(),
      dropped: 0,
    };
  }
  reset();

  return {
    recordRequest(route: string): void {
      c.requests++;
      c.byRoute[route] = (c.byRoute[route] ?? 0) + 1;
    },
    recordStatus(status: number, isWrite: boolean): void {
      const key = String(status);
      c.byStatus[key] = (c.byStatus[key] ?? 0) + 1;
      if (status === 429) c.rateLimited++;
      if (isWrite && status >= 200 && status < 300) c.writes++;
    },
    recordFault(kind: TFaultKind | "paused"): void {
      c.faults[kind]++;
    },
    recordDropped(): void {
      c.dropped++;
    },
    snapshot(): TCounters {
      return structuredClone(c);
    },
    reset,
  };
}

export type TCounterStore = ReturnType<typeof createCounters>;
