import type pg from "pg";
import { RUNNER_SCHEMA, withTransaction } from "./db";

/**
 * The runner's tables. Everything a run needs to survive a `kill -9` is here: accepted events, runs,
 * memoized steps, the queue of due work (with leases), waits, batches, debounces and limiter state.
 * Plain `pg`, no Prisma: the runner is a sandbox tool and must not touch the app's migrations.
 */
const DDL = `
CREATE SCHEMA IF NOT EXISTS ${RUNNER_SCHEMA};
SET LOCAL search_path = ${RUNNER_SCHEMA};

CREATE TABLE IF NOT EXISTS apps (
  id text PRIMARY KEY,
  url text NOT NULL,
  sdk text,
  framework text,
  functions jsonb NOT NULL,
  synced_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS functions (
  id text PRIMARY KEY,
  app_id text NOT NULL,
  name text NOT NULL,
  config jsonb NOT NULL,
  archived boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS events (
  seq bigserial PRIMARY KEY,
  internal_id text NOT NULL UNIQUE,
  id text NOT NULL,
  name text NOT NULL,
  payload jsonb NOT NULL,
  received_at timestamptz NOT NULL,
  duplicate boolean NOT NULL DEFAULT false
);
-- GET /v1/events?name= (newest first)
CREATE INDEX IF NOT EXISTS events_name_idx ON events (name, seq DESC);
-- GET /v1/events/:id/runs and dedupe look-ups by the public event id
CREATE INDEX IF NOT EXISTS events_id_idx ON events (id);

-- Event id dedupe: a row per id seen in the last 24 h.
CREATE TABLE IF NOT EXISTS event_ids (
  id text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS runs (
  id text PRIMARY KEY,
  function_id text NOT NULL,
  status text NOT NULL,
  trigger text NOT NULL,
  events jsonb NOT NULL,
  event_ids text[] NOT NULL,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  ended_at timestamptz,
  output jsonb,
  error jsonb,
  stack text[] NOT NULL DEFAULT '{}',
  disable_immediate boolean NOT NULL DEFAULT false,
  request_version int,
  ckeys text[] NOT NULL DEFAULT '{}',
  climits int[] NOT NULL DEFAULT '{}',
  parent jsonb
);
-- GET /v1/runs?function= (newest first)
CREATE INDEX IF NOT EXISTS runs_fn_idx ON runs (function_id, created_at DESC);
-- cancelOn: active runs of a function
CREATE INDEX IF NOT EXISTS runs_active_idx ON runs (function_id, created_at) WHERE status IN ('queued', 'running');
-- GET /v1/events/:id/runs
CREATE INDEX IF NOT EXISTS runs_event_ids_idx ON runs USING gin (event_ids);

CREATE TABLE IF NOT EXISTS steps (
  run_id text NOT NULL,
  step_id text NOT NULL,
  name text,
  op text NOT NULL,
  status text NOT NULL,
  output jsonb,
  attempts int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  ended_at timestamptz,
  PRIMARY KEY (run_id, step_id)
);

CREATE TABLE IF NOT EXISTS attempts (
  id bigserial PRIMARY KEY,
  run_id text NOT NULL,
  step_id text,
  name text,
  attempt int NOT NULL,
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL,
  status_code int,
  outcome text NOT NULL,
  error jsonb
);
-- GET /v1/runs/:id (attempt history)
CREATE INDEX IF NOT EXISTS attempts_run_idx ON attempts (run_id, id);

CREATE TABLE IF NOT EXISTS queue (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  run_id text,
  step_id text,
  attempt int NOT NULL DEFAULT 0,
  run_at timestamptz NOT NULL,
  lease_owner text,
  lease_until timestamptz,
  dedupe_key text,
  payload jsonb,
  ckeys text[] NOT NULL DEFAULT '{}',
  climits int[] NOT NULL DEFAULT '{}'
);
-- One pending item per key (a run's next discovery call, a step, a timer); leased items leave the index.
CREATE UNIQUE INDEX IF NOT EXISTS queue_dedupe_idx ON queue (dedupe_key) WHERE lease_owner IS NULL;
-- The scheduler's lease query: due items in run_at order
CREATE INDEX IF NOT EXISTS queue_due_idx ON queue (run_at, id) WHERE lease_owner IS NULL;
-- Dropping a finished or cancelled run's pending work
CREATE INDEX IF NOT EXISTS queue_run_idx ON queue (run_id);

CREATE TABLE IF NOT EXISTS waits (
  run_id text NOT NULL,
  step_id text NOT NULL,
  event text NOT NULL,
  expr text,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (run_id, step_id)
);
-- Matching incoming events to waitForEvent steps
CREATE INDEX IF NOT EXISTS waits_event_idx ON waits (event);

CREATE TABLE IF NOT EXISTS batches (
  seq bigserial PRIMARY KEY,
  function_id text NOT NULL,
  batch_key text NOT NULL,
  event jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
-- Taking the oldest maxSize events of one batch
CREATE INDEX IF NOT EXISTS batches_key_idx ON batches (function_id, batch_key, seq);

CREATE TABLE IF NOT EXISTS debounces (
  function_id text NOT NULL,
  debounce_key text NOT NULL,
  event jsonb NOT NULL,
  first_at timestamptz NOT NULL,
  PRIMARY KEY (function_id, debounce_key)
);

-- Throttle and rate limit state (GCRA theoretical arrival time per key)
CREATE TABLE IF NOT EXISTS gcra (
  kind text NOT NULL,
  function_id text NOT NULL,
  key text NOT NULL,
  tat timestamptz NOT NULL,
  PRIMARY KEY (kind, function_id, key)
);

CREATE TABLE IF NOT EXISTS idempotency (
  function_id text NOT NULL,
  key text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (function_id, key)
);

CREATE TABLE IF NOT EXISTS crons (
  function_id text NOT NULL,
  cron text NOT NULL,
  next_at timestamptz NOT NULL,
  PRIMARY KEY (function_id, cron)
);

-- Malformed registrations, events and SDK responses, for the console and GET /v1/errors
CREATE TABLE IF NOT EXISTS problems (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  kind text NOT NULL,
  message text NOT NULL,
  run_id text,
  function_id text
);
`;

/** Creates the schema if needed. Serialised by an advisory lock so two runners starting together don't race. */
export async function ensureSchema(pool: pg.Pool): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('inngest_runner.schema'))");
    await client.query(DDL);
  });
}
