import { ProviderRateLimitedError } from "@/lib/connectors/errors";
import type { Provider } from "@/lib/generated/prisma/enums";

/**
 * The bulk lane's side of the rate-limit governor (lib/lane.ts, lib/sync/governor.ts).
 *
 * The governor's bucket is one queue for every caller: each reservation moves the bucket's `tat`
 * further ahead, and a call reserved later starts later. A bulk burst (10,000 H → S customer writes,
 * ~400 in flight) kept Stripe's bucket ~4 s deep, so a Stripe customer read or purchase on its way to
 * HubSpot waited those seconds behind it. Bulk callers therefore reserve only `horizonMs` ahead: this
 * process keeps its bulk callers in line here and reserves for the head of the line, a group at a
 * time, whenever the shared bucket is less than the horizon deep. Any other caller reserves as before
 * and so finds at most about the horizon of bulk work ahead of it; the bulk burst still keeps the
 * bucket full, since the horizon is always topped up. Several processes each do the same against the
 * one shared row.
 */

export interface TReservation {
  /** Until the last of the tokens reserved may start. */
  waitMs: number;
  rate: number;
  /** burst + rate: the most the bucket lets start in any second. */
  limitPerSecond: number;
}

/**
 * When each member of one reservation may start, in order: the reservation's wait is its last token's,
 * and each earlier token may start 1/rate before the next.
 */
export function startWaits(r: TReservation, tokensPerMember: number[]): number[] {
  let after = tokensPerMember.reduce((n, t) => n + t, 0);
  return tokensPerMember.map((t) => {
    after -= t;
    return Math.max(0, r.waitMs - (after * 1000) / r.rate);
  });
}

/** Reserves `tokens` within `maxWaitMs` or throws ProviderRateLimitedError (the governor's statement). */
export type TReserve = (tokens: number, maxWaitMs: number) => Promise<TReservation>;
/** Waits until a granted caller may send (the governor's sleep and send window). */
export type TStart = (waitMs: number, reservation: TReservation, tokens: number) => Promise<void>;

/**
 * How far ahead bulk work may reserve. Long enough that an event-loop stall in a busy app does not
 * let the bucket run dry between top-ups; short against the 5 s a realtime sync may take in all.
 */
export const BULK_HORIZON_MS = 1000;
/** Shortest pause before asking the bucket again (a refusal says exactly when the group would fit). */
const MIN_RETRY_MS = 10;

interface TWaiter {
  tokens: number;
  deadline: number;
  resolve: (waitMs: number) => void;
  reject: (error: unknown) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class BulkQueue {
  private readonly waiters: TWaiter[] = [];
  private pumping = false;
  /** Tokens per reservation: half the horizon at the last rate seen, so a group fits when due. */
  private groupTokens = 1;

  constructor(
    private readonly reserve: TReserve,
    private readonly start: TStart,
    private readonly provider: Provider,
    private readonly bucket: string,
    private readonly horizonMs = BULK_HORIZON_MS,
  ) {}

  /** Resolves with the milliseconds waited once the caller may send; refuses after `maxWaitMs`. */
  take(tokens: number, maxWaitMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ tokens, deadline: Date.now() + maxWaitMs, resolve, reject });
      if (!this.pumping) void this.pump();
    });
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        this.expire();
        const group = this.nextGroup();
        if (group.length === 0) break;
        const tokens = group.reduce((n, w) => n + w.tokens, 0);
        let r: TReservation;
        try {
          r = await this.reserve(tokens, this.horizonMs);
        } catch (error) {
          if (error instanceof ProviderRateLimitedError) {
            await sleep(Math.min(this.horizonMs, Math.max(MIN_RETRY_MS, error.retryAfterMs)));
            continue;
          }
          // The database failed: this group fails like any acquire would; the rest try again.
          this.remove(group);
          for (const w of group) w.reject(error);
          continue;
        }
        this.remove(group);
        this.groupTokens = Math.max(1, Math.floor((r.rate * this.horizonMs) / 2000));
        startWaits(
          r,
          group.map((w) => w.tokens),
        ).forEach((waitMs, k) => {
          const w = group[k]!;
          this.start(waitMs, r, w.tokens).then(() => w.resolve(waitMs), w.reject);
        });
      }
    } finally {
      this.pumping = false;
    }
  }

  /** The head of the line, up to `groupTokens` tokens (at least one caller). */
  private nextGroup(): TWaiter[] {
    const group: TWaiter[] = [];
    let tokens = 0;
    for (const w of this.waiters) {
      if (group.length > 0 && tokens + w.tokens > this.groupTokens) break;
      group.push(w);
      tokens += w.tokens;
    }
    return group;
  }

  private remove(group: TWaiter[]): void {
    this.waiters.splice(0, group.length);
  }

  /** Callers that waited longer than they accept: refused, as the governor refuses beyond maxWaitMs. */
  private expire(): void {
    const now = Date.now();
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.deadline > now) continue;
      this.waiters.splice(i, 1);
      w.reject(
        new ProviderRateLimitedError(
          this.provider,
          this.horizonMs,
          `${this.provider} ${this.bucket} bucket is busy: waited longer than accepted in the bulk queue`,
        ),
      );
    }
  }
}
