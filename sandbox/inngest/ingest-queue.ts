import type { TAcceptedEvent, TRunnerContext } from "./context";
import { withTransaction } from "./db";
import { ingestEvents } from "./ingest";

/**
 * Group commit for `POST /e`: requests that arrive while a transaction is running are accepted together
 * in the next one, so a burst of single-event webhooks costs one commit per group instead of one per
 * event. Each request is answered only after the transaction holding its events has committed.
 * If a group fails, its requests are retried one by one so one bad request cannot fail the others.
 */
const MAX_GROUP_EVENTS = 2_000;

interface TPending {
  events: TAcceptedEvent[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class IngestQueue {
  private pending: TPending[] = [];
  private draining = false;

  constructor(private readonly ctx: TRunnerContext) {}

  submit(events: TAcceptedEvent[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ events, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private takeGroup(): TPending[] {
    const group: TPending[] = [];
    let size = 0;
    while (this.pending.length > 0) {
      const next = this.pending[0];
      if (!next || (group.length > 0 && size + next.events.length > MAX_GROUP_EVENTS)) break;
      group.push(next);
      size += next.events.length;
      this.pending.shift();
    }
    return group;
  }

  private async commit(events: TAcceptedEvent[]): Promise<void> {
    await withTransaction(this.ctx.pool, (tx) => ingestEvents(this.ctx, tx, events));
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let group = this.takeGroup(); group.length > 0; group = this.takeGroup()) {
        try {
          await this.commit(group.flatMap((p) => p.events));
          for (const p of group) p.resolve();
        } catch (err) {
          if (group.length === 1) group[0]?.reject(err);
          else {
            for (const p of group) await this.commit(p.events).then(p.resolve, p.reject);
          }
        }
        this.ctx.kick();
      }
    } finally {
      this.draining = false;
    }
  }
}
