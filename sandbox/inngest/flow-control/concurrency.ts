import { evaluateKey } from "../expressions";
import type { TEvent } from "../context";
import type { TFunctionDef } from "../registry";

/**
 * Concurrency limits count *steps executing* (SDK calls in flight), not runs: a sleeping or waiting run
 * holds no slot, as in Inngest. Each run carries its resolved keys; the scheduler admits a call only when
 * every key is below its limit. Keys with scope "fn" are per function; "env"/"account" keys are shared by
 * every function that uses the same key (this runner is one environment of one account).
 */
export function resolveConcurrencyKeys(
  fn: TFunctionDef,
  event: TEvent | undefined,
): { keys: string[]; limits: number[] } {
  const keys: string[] = [];
  const limits: number[] = [];
  for (const rule of fn.concurrency) {
    const value = evaluateKey(rule.key, { event });
    keys.push(
      rule.scope === "fn" || !rule.key ? `fn:${fn.id}:${value}` : `${rule.scope}:${rule.key.source}:${value}`,
    );
    limits.push(rule.limit);
  }
  return { keys, limits };
}

/** In-process counters of calls in flight per concurrency key (one runner leads a database at a time). */
export class ConcurrencyCounters {
  private readonly inFlight = new Map<string, number>();
  private readonly limits = new Map<string, number>();

  tryAcquire(keys: string[], limits: number[]): boolean {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] ?? "";
      const limit = limits[i] ?? Number.POSITIVE_INFINITY;
      if ((this.inFlight.get(key) ?? 0) >= limit) return false;
    }
    keys.forEach((key, i) => {
      this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
      this.limits.set(key, limits[i] ?? Number.POSITIVE_INFINITY);
    });
    return true;
  }

  release(keys: string[]): void {
    for (const key of keys) {
      const n = (this.inFlight.get(key) ?? 1) - 1;
      if (n <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, n);
    }
  }

  /** Keys at their limit, so the lease query can skip their items instead of re-reading them. */
  saturated(): string[] {
    return [...this.inFlight]
      .filter(([key, n]) => n >= (this.limits.get(key) ?? Number.POSITIVE_INFINITY))
      .map(([key]) => key);
  }
}
