/**
 * Stripe's idempotent requests (https://docs.stripe.com/api/idempotent_requests): the first result of a
 * POST with an `Idempotency-Key` is saved with its parameters; the same key with the same parameters
 * replays it (status and body, header `Idempotent-Replayed: true`), with other parameters it is an
 * `idempotency_error`. Results are saved only once execution began: a request rejected by parameter
 * validation is not saved, so the client can fix it and retry with the same key. Keys live 24 hours.
 */
import { idempotencyInFlight, idempotencyMismatch, invalidParam } from "./errors";

export type TSavedResult = { status: number; body: unknown; headers: Record<string, string> };

type TEntry = { fingerprint: string; savedAt: number; result?: TSavedResult };

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

export type TIdempotencyDecision =
  | { kind: "execute"; complete: (result: TSavedResult, save: boolean) => void }
  | { kind: "replay"; result: TSavedResult };

export function createIdempotencyStore(nowMs: () => number = Date.now) {
  const entries = new Map<string, TEntry>();

  /**
   * Entries are in the order they were saved (a Map keeps insertion order), so the expired ones are a
   * prefix: the scan stops at the first live one. It went through every key on every request, which
   * was most of the sandbox's own CPU in a 10,000-customer burst.
   */
  function prune(t: number): void {
    for (const [k, e] of entries) {
      if (t - e.savedAt <= IDEMPOTENCY_TTL_MS) break;
      entries.delete(k);
    }
  }

  /**
   * `fingerprint` identifies the request (method, path, canonical parameters). Throws the Stripe error
   * for a mismatch or a concurrent request; otherwise tells the caller to execute or replay.
   */
  function begin(key: string, fingerprint: string): TIdempotencyDecision {
    if (key.length > 255) {
      throw invalidParam(
        "Idempotency-Key",
        "Keys for idempotent requests can be no longer than 255 characters.",
      );
    }
    const t = nowMs();
    prune(t);
    const existing = entries.get(key);
    if (existing) {
      if (existing.fingerprint !== fingerprint) throw idempotencyMismatch(key);
      if (!existing.result) throw idempotencyInFlight();
      return { kind: "replay", result: existing.result };
    }
    const entry: TEntry = { fingerprint, savedAt: t };
    entries.set(key, entry);
    return {
      kind: "execute",
      complete(result, save) {
        if (save) entry.result = structuredClone(result);
        else entries.delete(key);
      },
    };
  }

  return { begin, reset: () => entries.clear(), size: () => entries.size };
}

export type TIdempotencyStore = ReturnType<typeof createIdempotencyStore>;
