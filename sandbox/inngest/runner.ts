import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { syncApp } from "./app-sync";
import { createClock } from "./clock";
import type { TRunnerContext } from "./context";
import { createPool, RUNNER_SCHEMA } from "./db";
import { createHttpServer, createRoutes } from "./http-server";
import { ingestEvents } from "./ingest";
import { createLogger, describeError, type TLogLevel } from "./log";
import { loadRegistry } from "./register";
import { FunctionRegistry } from "./registry";
import { Scheduler } from "./scheduler";
import { ensureSchema } from "./schema";

/**
 * The local Inngest runner: an executor for RevBridge's functions where the official dev server
 * cannot be installed. Speaks the dev server's protocol (`INNGEST_DEV=http://127.0.0.1:8288`), keeps all
 * state in PostgreSQL, and drives the app's real `serve()` handler. Never used in production.
 */
export interface TRunnerOptions {
  databaseUrl: string;
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  /** Serve URLs to sync on start (PUT), retried until the app is up. */
  appUrls?: string[];
  /** Divides sleeps, timeouts, backoff and flow-control periods (tests, demo). */
  timeCompression?: number;
  maxInFlight?: number;
  requestTimeoutMs?: number;
  signingKey?: string;
  logLevel?: TLogLevel;
  /** Where log lines go (default stderr). */
  writeLog?: (line: string) => void;
  /** Calls larger than this ask the SDK to fetch events/steps from the API (`use_api`). */
  maxRequestBytes?: number;
}

export interface TRunner {
  url: string;
  port: number;
  /** Resolves once this runner leads its database and executes work. */
  ready: Promise<void>;
  /**
   * Resolves once every `appUrls` app has been synced by this process. Until then an event is stored
   * but starts nothing (as at Inngest, an event triggers only functions registered when it arrives),
   * so callers that send events right after start must wait for this, not only for `ready`.
   */
  synced: Promise<void>;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  override name = "PortInUseError";
}

const LEADER_LOCK = `${RUNNER_SCHEMA}.leader`;

/** One runner executes per database: it holds a session advisory lock, freed by Postgres if it dies. */
async function acquireLeadership(
  databaseUrl: string,
  stopped: AbortSignal,
  onWait: () => void,
): Promise<pg.Client | undefined> {
  let waited = false;
  while (!stopped.aborted) {
    const client = new pg.Client({
      connectionString: databaseUrl,
      application_name: "revbridge-inngest-runner-leader",
    });
    client.on("error", () => undefined);
    await client.connect();
    const res = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS ok", [
      LEADER_LOCK,
    ]);
    if (res.rows[0]?.ok) return client;
    await client.end().catch(() => undefined);
    if (!waited) onWait();
    waited = true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return undefined;
}

export async function startRunner(options: TRunnerOptions): Promise<TRunner> {
  const log = createLogger(options.logLevel ?? "info", options.writeLog);
  const pool = createPool(options.databaseUrl, 16);
  try {
    await ensureSchema(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  const registry = new FunctionRegistry();
  let scheduler: Scheduler | undefined;
  const ctx: TRunnerContext = {
    pool,
    registry,
    clock: createClock(options.timeCompression ?? 1),
    log,
    kick: () => scheduler?.kick(),
    markBatchDirty: (functionId, key) => scheduler?.markBatchDirty(functionId, key),
    ingest: (tx, events, opts) => ingestEvents(ctx, tx, events, opts),
    recordProblem: (p) => {
      log.warn(`problem.${p.kind}`, { run: p.runId, fn: p.functionId, message: p.message });
      pool
        .query("INSERT INTO problems (kind, message, run_id, function_id) VALUES ($1, $2, $3, $4)", [
          p.kind,
          p.message.slice(0, 2000),
          p.runId ?? null,
          p.functionId ?? null,
        ])
        .catch(() => undefined);
    },
  };
  await loadRegistry(ctx);

  const appUrls = options.appUrls ?? [];
  const syncedUrls = new Set<string>();
  const server = createHttpServer(
    ctx,
    createRoutes(ctx, appUrls, () => ({
      executing: scheduler !== undefined,
      synced: appUrls.every((u) => syncedUrls.has(u)),
    })),
  );
  const host = options.host ?? "127.0.0.1";
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 8288, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    await pool.end().catch(() => undefined);
    if ((err as { code?: string }).code === "EADDRINUSE")
      throw new PortInUseError(`port ${options.port} is in use`);
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;

  const stop = new AbortController();
  let leader: pg.Client | undefined;
  const lead = async () => {
    leader = await acquireLeadership(options.databaseUrl, stop.signal, () =>
      log.warn("runner.standby", {
        reason: "another runner is executing work for this database; waiting for it to stop",
      }),
    );
    if (!leader || stop.signal.aborted) return;
    leader.on("error", (err) => log.error("runner.leader_lost", { error: describeError(err) }));
    const next = new Scheduler(ctx, {
      ownerId: randomUUID(),
      maxInFlight: options.maxInFlight ?? 32,
      requestTimeoutMs: options.requestTimeoutMs ?? 300_000,
      signingKey: options.signingKey,
      maxBodyBytes: options.maxRequestBytes ?? 4 * 1024 * 1024,
    });
    const reclaimed = await next.takeOver();
    scheduler = next;
    scheduler.start();
    log.info("runner.started", {
      url,
      functions: registry.all().length,
      reclaimed,
      compression: ctx.clock.compression,
    });
  };
  // Taking over can fail for a passing reason (the database restarting, a deadlock with events the
  // app delivers meanwhile, chaos kill-runner under load): give up the lock and try again, rather
  // than exit and leave the app's work to nobody.
  const ready = (async () => {
    for (let attempt = 1; !stop.signal.aborted; attempt++) {
      try {
        await lead();
        return;
      } catch (err) {
        await leader?.end().catch(() => undefined);
        leader = undefined;
        log.warn("runner.start_retry", { attempt, error: describeError(err) });
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  })();
  const synced = Promise.all(
    appUrls.map(async (appUrl) => {
      if (await syncApp(appUrl, log, stop.signal)) syncedUrls.add(appUrl);
    }),
  ).then(() => undefined);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      stop.abort();
      await ready.catch(() => undefined);
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await serverClosed;
      await scheduler?.stop();
      await leader?.end().catch(() => undefined);
      await pool.end().catch(() => undefined);
      log.info("runner.stopped", { url });
    })();
    return closing;
  };
  // Usually the lock is free and work starts at once; a standby returns after a moment and keeps waiting.
  await Promise.race([ready.catch(() => undefined), new Promise((r) => setTimeout(r, 2_000))]);
  return { url, port, ready, synced, close };
}
