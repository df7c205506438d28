import "server-only";
import type { THubspotBucket } from "@/lib/connectors/hubspot/client";
import { acquire } from "@/lib/sync/governor";

/**
 * Hands out one governor bucket's slots, as the governor grants them, to the waiting reader with
 * the most work left. Why: a full refresh reads contacts, companies and deals as three cursor chains
 * (page n+1's cursor comes with page n), so each chain has one request in flight at most. With the
 * governor's first-come order each chain gets a third of the rate while all three run, and the
 * longest one (contacts, ~60% of the calls) is then left alone at the pace of one request at a time,
 * below the rate. Longest-remaining-first keeps the long chain at its own pace from the start and
 * lets the short ones fill the slots it cannot use, so the run ends near calls ÷ rate.
 *
 * Slots are taken from the shared PostgreSQL governor one at a time, so other processes and other
 * buckets' users are limited exactly as before; only this process's order among its waiters changes.
 */
interface TWaiter {
  priority: () => number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class SlotScheduler {
  private readonly waiting: TWaiter[] = [];
  private pumping = false;

  constructor(private readonly bucket: THubspotBucket) {}

  /** Resolves when the caller may start one request (its governor slot is taken). */
  take(priority: () => number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ priority, resolve, reject });
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiting.length > 0) {
        await acquire("HUBSPOT", this.bucket);
        // Chosen after the wait: a reader that became ready meanwhile may have more left.
        let best = 0;
        for (let i = 1; i < this.waiting.length; i++) {
          if (this.waiting[i]!.priority() > this.waiting[best]!.priority()) best = i;
        }
        this.waiting.splice(best, 1)[0]!.resolve();
      }
    } catch (error) {
      // The governor refused (queue too long): every waiter retries on its own (hubspot-reader).
      for (const w of this.waiting.splice(0)) w.reject(error);
    } finally {
      this.pumping = false;
    }
  }
}
