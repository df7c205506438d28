import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { env, parseEnv, ZDatabasePoolEnv } from "@/lib/env";
import { currentLane } from "@/lib/lane";
import { log } from "@/lib/logger";
import { PrismaClient } from "@/lib/generated/prisma/client";

export type { PrismaClient } from "@/lib/generated/prisma/client";
export { Prisma } from "@/lib/generated/prisma/client";

// One client per process. Created on first use (not at import) so that `next build` and tests
// can import modules without a database; kept on globalThis so dev hot-reload does not leak pools.
const holder = globalThis as unknown as {
  revbridgeDb?: PrismaClient;
  revbridgeDbUrl?: string;
  revbridgePool?: pg.Pool;
  /** The realtime lane's client and pool (lib/lane.ts), opened on its first use. */
  revbridgeRealtimeDb?: PrismaClient;
  revbridgeRealtimePool?: pg.Pool;
  /** The rate-limit governor's connections (governorPool), opened on first use. */
  revbridgeGovernorPool?: pg.Pool;
};

const databaseUrl = () => holder.revbridgeDbUrl ?? env().DATABASE_URL;

/** Connections of governorPool(): its statements are single, short and never inside a transaction. */
const GOVERNOR_POOL_SIZE = 3;

/**
 * Points this process at a database without the rest of the app's configuration: scripts (seed,
 * demo) and integration tests (one database per test file) call it before the first `db()`.
 */
export function setDatabaseUrl(url: string): void {
  holder.revbridgeDbUrl = url;
}

/**
 * Our own pool, so that every client has an `'error'` listener for its whole life. The pool the pg
 * adapter would create listens only while a client is idle: a server restart (57P01) that hit a client
 * checked out between queries was an unhandled `'error'` event, and the process exited (full chaos,
 * `pg-restart`). The pool drops a broken client by itself; the query in flight still fails and is retried.
 */
export function createPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  const onError = (error: Error) => log.warn("db.connection_error", { error: error.message });
  pool.on("error", onError);
  pool.on("connect", (client) => client.on("error", onError));
  return pool;
}

function clientOn(pool: pg.Pool): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
}

/**
 * The process's database client. In the realtime lane (lib/lane.ts) it is a second client on a small
 * pool of its own: under a sync burst the shared pool's connections are all busy, and a Stripe
 * customer's few statements on their way to HubSpot waited seconds for one each.
 */
export function db(): PrismaClient {
  if (!holder.revbridgeDb) {
    holder.revbridgePool = createPool(databaseUrl(), parseEnv(ZDatabasePoolEnv).DATABASE_POOL_SIZE);
    holder.revbridgeDb = clientOn(holder.revbridgePool);
  }
  if (currentLane() !== "realtime") return holder.revbridgeDb;
  if (!holder.revbridgeRealtimeDb) {
    holder.revbridgeRealtimePool = createPool(
      databaseUrl(),
      parseEnv(ZDatabasePoolEnv).DATABASE_REALTIME_POOL_SIZE,
    );
    holder.revbridgeRealtimeDb = clientOn(holder.revbridgeRealtimePool);
  }
  return holder.revbridgeRealtimeDb;
}

/**
 * The pool under db(), for the few hot statements where Prisma's own per-query work (~0.2 ms of CPU,
 * measured on the WeChat callback) is the larger part of the request: same connections, same
 * configuration, closed with db().
 */
export function dbPool(): pg.Pool {
  db();
  return holder.revbridgePool!;
}

/** The pool under db() in the current lane (lib/lane.ts): dbPool(), or the realtime lane's own. */
export function lanePool(): pg.Pool {
  db();
  return currentLane() === "realtime" ? holder.revbridgeRealtimePool! : holder.revbridgePool!;
}

/**
 * The rate-limit governor's own few connections (lib/sync/governor.ts), used through `pg` directly.
 * Every governed provider call waits for one of its statements; in the shared pool they queued behind
 * a burst's statements (300–950 ms each during a 10,000-contact intake, pool 100+ deep), and the bulk
 * lane's reservations fell behind the rate they reserve for: Stripe's bucket ran dry at 60–80 writes a
 * second instead of 95.
 */
export function governorPool(): pg.Pool {
  holder.revbridgeGovernorPool ??= createPool(databaseUrl(), GOVERNOR_POOL_SIZE);
  return holder.revbridgeGovernorPool;
}

/** Closes the pools; the next `db()` call opens new ones. */
export async function disconnectDb(): Promise<void> {
  const clients = [holder.revbridgeDb, holder.revbridgeRealtimeDb];
  const governor = holder.revbridgeGovernorPool;
  holder.revbridgeDb = undefined;
  holder.revbridgeRealtimeDb = undefined;
  holder.revbridgeRealtimePool = undefined;
  holder.revbridgePool = undefined;
  holder.revbridgeGovernorPool = undefined;
  await Promise.all([...clients.flatMap((c) => (c ? [c.$disconnect()] : [])), governor?.end()]);
}
