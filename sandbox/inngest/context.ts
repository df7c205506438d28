import type pg from "pg";
import type { TClock } from "./clock";
import type { TLogger } from "./log";
import type { FunctionRegistry } from "./registry";

/** An event as functions receive it (SDK spec 1.3.4). */
export interface TEvent {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
  user?: Record<string, unknown>;
  v?: string;
}

/** An event accepted by the runner: the public payload plus the internal id returned to senders. */
export interface TAcceptedEvent {
  internalId: string;
  event: TEvent;
}

export interface TIngestOptions {
  /** Deliver only to this function (cron ticks), instead of matching triggers. */
  onlyFunctionId?: string;
}

/** What every module of the runner shares: the database, the registry, time, logs and the scheduler's wake-up. */
export interface TRunnerContext {
  pool: pg.Pool;
  registry: FunctionRegistry;
  clock: TClock;
  log: TLogger;
  /** Wakes the scheduler after a commit that may have made work due. */
  kick(): void;
  /** Accepts events inside an open transaction (used for lifecycle events such as function.failed). */
  ingest(tx: pg.PoolClient, events: TAcceptedEvent[], options?: TIngestOptions): Promise<void>;
  /** Asks the scheduler to flush a batch after the current transaction commits (see flow-control/batch.ts). */
  markBatchDirty(functionId: string, key: string): void;
  /** Records a malformed registration, event or SDK response for GET /v1/errors and the log. */
  recordProblem(problem: { kind: string; message: string; runId?: string; functionId?: string }): void;
}
