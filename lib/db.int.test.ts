/**
 * A PostgreSQL restart (or an administrator terminating backends) must never kill the process. The
 * server sends `57P01` to every connection; a `pg` client that is checked out but between queries
 * emits it as an `'error'` event, and an event with no listener is an uncaught exception (full chaos,
 * `pg-restart`, once in ~5 rounds). Vitest fails a file on any uncaught error, so these tests fail
 * without the listeners lib/db.ts attaches.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, db } from "@/lib/db";
import { withFreshDatabase } from "@/test/db";
import { parseEnv, ZDatabasePoolEnv } from "@/lib/env";
import { inLane } from "@/lib/lane";

const database = withFreshDatabase();
let admin: pg.Client;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: database.url() });
  await admin.connect();
});
afterAll(async () => {
  await admin.end();
});

/** What a server restart does to this database's other connections. */
async function terminateOthers(): Promise<number> {
  const { rows } = await admin.query<{ pid: number }>(
    "SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
  );
  return rows.length;
}

async function untilEnded(client: pg.PoolClient): Promise<void> {
  await new Promise<void>((resolve) => client.once("end", () => resolve()));
}

describe("database connections survive a server-side termination", () => {
  it("a client checked out between queries gets 57P01 and the process lives on", async () => {
    const pool = createPool(database.url());
    try {
      const client = await pool.connect();
      await client.query("SELECT 1");
      const ended = untilEnded(client);
      expect(await terminateOthers()).toBe(1);
      await ended; // the 'error' event has been emitted by now; without a listener it was uncaught
      client.release(true);
      // The pool replaces the broken client.
      const { rows } = await pool.query<{ one: number }>("SELECT 1 AS one");
      expect(rows[0]?.one).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it("the app's client recovers after every connection was terminated mid-transaction", async () => {
    await db().$queryRaw`SELECT 1`;
    const inTransaction = db().$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1`;
      await terminateOthers();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await tx.$queryRaw`SELECT 2`;
    });
    await expect(inTransaction).rejects.toThrow();
    // Broken clients are dropped; the next queries get fresh connections.
    for (let i = 0; i < 3; i += 1) {
      const rows = await db().$queryRaw<{ n: number }[]>`SELECT ${i}::int AS n`;
      expect(rows[0]?.n).toBe(i);
    }
  });
});

describe("the realtime lane has connections of its own", () => {
  it("answers while every connection of the shared pool is busy", async () => {
    const size = parseEnv(ZDatabasePoolEnv).DATABASE_POOL_SIZE;
    // Occupy the whole shared pool, as a sync burst's writes do.
    // `.then` sends them now (a Prisma query is lazy until then).
    const busy = Array.from({ length: size }, () =>
      db().$queryRaw`SELECT pg_sleep(2)::text AS slept`.then(() => undefined),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    let started = Date.now();
    const rows = await inLane("realtime", () => db().$queryRaw<{ n: number }[]>`SELECT 7::int AS n`);
    expect(rows[0]?.n).toBe(7);
    expect(Date.now() - started).toBeLessThan(1_000);
    // Outside the lane the same statement waits for a shared connection.
    started = Date.now();
    await db().$queryRaw`SELECT 1`;
    expect(Date.now() - started).toBeGreaterThan(1_000);
    await Promise.all(busy);
  });
});
