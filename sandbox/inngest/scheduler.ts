import type { TRunnerContext, TEvent } from "./context";
import { withTransaction } from "./db";
import { callFunction } from "./executor";
import { flushBatch } from "./flow-control/batch";
import { fairOrder } from "./flow-control/fairness";
import { ConcurrencyCounters } from "./flow-control/concurrency";
import { describeError } from "./log";
import { applyCallResult, type TCallContext } from "./outcome";
import { reclaimLeases, releaseItem, type TQueueItem } from "./queue";
import { finishRun, loadRunMemo } from "./runs";
import { handleTimer } from "./timers";

/**
 * The scheduler leases due queue rows (`FOR UPDATE SKIP LOCKED`), runs them concurrently up to
 * `maxInFlight`, and sleeps until the next row is due or a commit kicks it. Rows are taken fairly
 * between functions (flow-control/fairness.ts), oldest first within one. SDK calls respect the
 * functions' concurrency keys; a run never has two discovery calls in flight at once.
 */
export interface TSchedulerOptions {
  ownerId: string;
  maxInFlight: number;
  requestTimeoutMs: number;
  signingKey?: string;
  maxBodyBytes: number;
}

const LEASE_BATCH = 100;
const IDLE_POLL_MS = 1_000;
const BLOCKED_POLL_MS = 200;
const ERROR_RETRY_MS = 1_000;
const MAINTENANCE_MS = 30_000;

export class Scheduler {
  private running = false;
  private inFlight = 0;
  private readonly counters = new ConcurrencyCounters();
  private readonly discoveringRuns = new Set<string>();
  /** Items in flight per function (or timer kind): the fair share between functions. */
  private readonly partInFlight = new Map<string, number>();
  private readonly abort = new AbortController();
  private readonly tasks = new Set<Promise<void>>();
  private wake: (() => void) | undefined;
  private kicked = false;
  private loopDone: Promise<void> | undefined;
  private lastMaintenance = 0;
  private dirtyBatches = new Map<string, { functionId: string; key: string }>();
  /** Leased rows whose release failed (database restarting): released on a later loop, not left leased. */
  private unreleased = new Map<string, number>();

  constructor(
    private readonly ctx: TRunnerContext,
    private readonly options: TSchedulerOptions,
  ) {}

  start(): void {
    this.running = true;
    this.loopDone = this.loop();
  }

  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  markBatchDirty(functionId: string, key: string): void {
    this.dirtyBatches.set(`${functionId}\u0000${key}`, { functionId, key });
  }

  /** Stops leasing, aborts calls in flight (their rows are released for the next runner) and waits for them. */
  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    this.kick();
    await this.loopDone;
    await Promise.allSettled([...this.tasks]);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let waitMs = IDLE_POLL_MS;
      try {
        await this.maybeMaintain();
        await this.retryReleases();
        await this.flushDirtyBatches();
        const capacity = this.options.maxInFlight - this.inFlight;
        if (capacity > 0) {
          const { leased, candidates } = await this.leaseAndDispatch(Math.min(capacity, LEASE_BATCH));
          if (leased > 0 && leased === Math.min(capacity, LEASE_BATCH)) continue;
          waitMs = candidates > leased ? BLOCKED_POLL_MS : await this.msUntilNextDue();
        }
      } catch (err) {
        if (!this.running) break;
        this.ctx.log.error("scheduler.error", { error: describeError(err) });
        waitMs = ERROR_RETRY_MS;
      }
      await this.sleep(waitMs);
    }
  }

  private async sleep(ms: number): Promise<void> {
    if (this.kicked || !this.running) {
      this.kicked = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, ms));
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
    this.kicked = false;
  }

  private async msUntilNextDue(): Promise<number> {
    const res = await this.ctx.pool.query<{ next: Date | null }>(
      "SELECT min(run_at) AS next FROM queue WHERE lease_owner IS NULL",
    );
    const next = res.rows[0]?.next?.getTime();
    if (next === undefined) return IDLE_POLL_MS;
    const delta = next - Date.now();
    // Due but not leasable (concurrency keys saturated, discovery in flight): wait for a release.
    if (delta <= 0) return BLOCKED_POLL_MS;
    return Math.min(delta, IDLE_POLL_MS);
  }

  private async retryReleases(): Promise<void> {
    for (const [id, runAt] of [...this.unreleased]) {
      await releaseItem(this.ctx.pool, id, runAt);
      this.unreleased.delete(id);
    }
  }

  /** Batches whose events arrived while another transaction held their lock (flow-control/batch.ts). */
  private async flushDirtyBatches(): Promise<void> {
    if (this.dirtyBatches.size === 0) return;
    const dirty = [...this.dirtyBatches.values()];
    this.dirtyBatches = new Map();
    for (const { functionId, key } of dirty) {
      const fn = this.ctx.registry.get(functionId);
      if (fn) await withTransaction(this.ctx.pool, (tx) => flushBatch(this.ctx, tx, fn, key, false));
    }
  }

  private async maybeMaintain(): Promise<void> {
    const now = Date.now();
    if (now - this.lastMaintenance < MAINTENANCE_MS) return;
    this.lastMaintenance = now;
    await reclaimLeases(this.ctx.pool, new Date(now));
    await this.ctx.pool.query("DELETE FROM event_ids WHERE expires_at < $1", [new Date(now)]);
    await this.ctx.pool.query("DELETE FROM idempotency WHERE expires_at < $1", [new Date(now)]);
  }

  private async leaseAndDispatch(limit: number): Promise<{ leased: number; candidates: number }> {
    const leaseUntil = new Date(Date.now() + this.options.requestTimeoutMs + 60_000);
    const taken: TQueueItem[] = [];
    try {
      return await this.leaseInTransaction(limit, leaseUntil, taken);
    } catch (err) {
      // The lease transaction failed (e.g. the database is restarting): give back the in-memory slots
      // taken for its rows, or their concurrency keys would stay saturated and those calls would never
      // be leased again. Whether the rows are leased is unknown (a COMMIT whose answer was lost), so
      // they are released once the database answers, before anything is leased again.
      for (const item of taken) {
        this.releaseSlots(item);
        this.unreleased.set(item.id, Date.now());
      }
      throw err;
    }
  }

  private async leaseInTransaction(
    limit: number,
    leaseUntil: Date,
    taken: TQueueItem[],
  ): Promise<{ leased: number; candidates: number }> {
    const { items, candidates } = await withTransaction(this.ctx.pool, async (tx) => {
      // Up to `limit` due rows of each function, each ranked within its function; the fair order
      // across functions is decided below, with the in-flight counts only this process knows.
      const res = await tx.query<TQueueItem & { id: string; part: string; rank: string; run_at: Date }>(
        `WITH due AS (
           SELECT q.id, COALESCE(r.function_id, q.kind) AS part,
                  row_number() OVER (PARTITION BY COALESCE(r.function_id, q.kind) ORDER BY q.run_at, q.id) AS rank
             FROM queue q LEFT JOIN runs r ON r.id = q.run_id
            WHERE q.lease_owner IS NULL AND q.run_at <= $1
              AND NOT (q.kind = 'call' AND q.ckeys && $2::text[])
              AND NOT (q.kind = 'call' AND q.step_id = 'step' AND q.run_id = ANY($3::text[])))
         SELECT q.id::text, q.kind, q.run_id, q.step_id, q.attempt, q.payload, q.ckeys, q.climits,
                q.dedupe_key, q.run_at, d.part, d.rank::text
           FROM queue q JOIN due d ON d.id = q.id
          WHERE d.rank <= $4 AND q.lease_owner IS NULL
            FOR UPDATE OF q SKIP LOCKED`,
        [new Date(), this.counters.saturated(), [...this.discoveringRuns], limit],
      );
      const ordered = fairOrder(
        res.rows.map((row) => ({ ...row, rank: Number(row.rank), runAtMs: row.run_at.getTime() })),
        this.partInFlight,
      );
      const chosen: TQueueItem[] = [];
      for (const item of ordered) {
        if (chosen.length >= limit) break;
        if (item.kind === "call") {
          if (item.step_id === "step" && item.run_id && this.discoveringRuns.has(item.run_id)) continue;
          if (!this.counters.tryAcquire(item.ckeys, item.climits)) continue;
          if (item.step_id === "step" && item.run_id) this.discoveringRuns.add(item.run_id);
        }
        const leased: TQueueItem = {
          id: item.id,
          kind: item.kind,
          run_id: item.run_id,
          step_id: item.step_id,
          attempt: item.attempt,
          payload: item.payload,
          ckeys: item.ckeys,
          climits: item.climits,
          dedupe_key: item.dedupe_key,
          part: item.part,
        };
        taken.push(leased);
        chosen.push(leased);
      }
      if (chosen.length > 0) {
        await tx.query("UPDATE queue SET lease_owner = $1, lease_until = $2 WHERE id = ANY($3::bigint[])", [
          this.options.ownerId,
          leaseUntil,
          chosen.map((c) => c.id),
        ]);
      }
      return { items: chosen, candidates: res.rows.length };
    });
    for (const item of items) this.dispatch(item);
    return { leased: items.length, candidates };
  }

  private dispatch(item: TQueueItem): void {
    this.inFlight++;
    const part = item.part ?? item.kind;
    this.partInFlight.set(part, (this.partInFlight.get(part) ?? 0) + 1);
    const task = this.process(item)
      .catch(async (err) => {
        if (this.running)
          this.ctx.log.error("queue.item_failed", {
            id: item.id,
            kind: item.kind,
            run: item.run_id,
            error: describeError(err),
          });
        const runAt = Date.now() + (this.running ? ERROR_RETRY_MS : 0);
        // If the database is unreachable too (a restart), the row would stay leased until its lease
        // expires (request timeout + 1 min): keep it and release it as soon as the database is back.
        await releaseItem(this.ctx.pool, item.id, runAt).catch(() => this.unreleased.set(item.id, runAt));
      })
      .finally(() => {
        this.inFlight--;
        const left = (this.partInFlight.get(part) ?? 1) - 1;
        if (left > 0) this.partInFlight.set(part, left);
        else this.partInFlight.delete(part);
        this.releaseSlots(item);
        this.tasks.delete(task);
        this.kick();
      });
    this.tasks.add(task);
  }

  /** Undoes what leasing took in memory for a call: its concurrency slots and its discovery mark. */
  private releaseSlots(item: TQueueItem): void {
    if (item.kind !== "call") return;
    this.counters.release(item.ckeys);
    if (item.step_id === "step" && item.run_id) this.discoveringRuns.delete(item.run_id);
  }

  private async process(item: TQueueItem): Promise<void> {
    if (item.kind !== "call") {
      await withTransaction(this.ctx.pool, (tx) => handleTimer(this.ctx, tx, item));
      return;
    }
    await this.processCall(item);
  }

  private async processCall(item: TQueueItem): Promise<void> {
    const { ctx } = this;
    if (!item.run_id || !item.step_id) return;
    const runRes = await ctx.pool.query<{
      function_id: string;
      status: string;
      events: TEvent[];
      disable_immediate: boolean;
      request_version: number | null;
    }>("SELECT function_id, status, events, disable_immediate, request_version FROM runs WHERE id = $1", [
      item.run_id,
    ]);
    const run = runRes.rows[0];
    if (!run || (run.status !== "queued" && run.status !== "running")) {
      await ctx.pool.query("DELETE FROM queue WHERE id = $1", [item.id]);
      return;
    }
    const fn = ctx.registry.get(run.function_id);
    if (!fn) {
      await withTransaction(ctx.pool, async (tx) => {
        await tx.query("DELETE FROM queue WHERE id = $1", [item.id]);
        await finishRun(ctx, tx, item.run_id ?? "", {
          status: "failed",
          error: { name: "Error", message: `function "${run.function_id}" is no longer registered` },
        });
      });
      return;
    }
    if (run.status === "queued") {
      await ctx.pool.query(
        "UPDATE runs SET status = 'running', started_at = $2 WHERE id = $1 AND status = 'queued'",
        [item.run_id, new Date()],
      );
    }
    const { steps, stack } = await loadRunMemo(ctx.pool, item.run_id);
    const call: TCallContext = {
      item: { ...item, run_id: item.run_id, step_id: item.step_id },
      fn,
      trigger: run.events[0],
      startedAtMs: Date.now(),
    };
    const result = await callFunction({
      url: fn.url,
      stepId: item.step_id,
      runId: item.run_id,
      attempt: item.attempt,
      maxAttempts: fn.maxAttempts,
      events: run.events,
      steps,
      stack,
      disableImmediateExecution: run.disable_immediate,
      requestVersion: run.request_version,
      signingKey: this.options.signingKey,
      timeoutMs: this.options.requestTimeoutMs,
      maxBodyBytes: this.options.maxBodyBytes,
      signal: this.abort.signal,
    });
    if (this.abort.signal.aborted) throw new Error("runner stopping; call abandoned");
    await withTransaction(ctx.pool, (tx) => applyCallResult(ctx, tx, call, result));
    ctx.kick();
  }

  /**
   * Called once this runner leads the database: leases of the previous runner are void, and batches
   * it may have left full are flushed.
   */
  async takeOver(): Promise<number> {
    const pending = await this.ctx.pool.query<{ function_id: string; batch_key: string }>(
      "SELECT DISTINCT function_id, batch_key FROM batches",
    );
    for (const row of pending.rows) this.markBatchDirty(row.function_id, row.batch_key);
    return reclaimLeases(this.ctx.pool);
  }
}
