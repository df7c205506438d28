import pg from "pg";

/** Everything the runner stores lives in this schema, created idempotently on start. */
export const RUNNER_SCHEMA = "inngest_runner";

export type TQueryable = pg.Pool | pg.PoolClient;

export function createPool(databaseUrl: string, max = 10): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    options: `-c search_path=${RUNNER_SCHEMA}`,
    application_name: "revbridge-inngest-runner",
  });
  // An idle client losing its connection (server restart) must not crash the runner.
  pool.on("error", () => undefined);
  return pool;
}

/**
 * A pool client for `work`, released afterwards. While checked out, a client is not covered by the
 * pool's idle error handler: a connection lost between two queries (a PostgreSQL restart) emits
 * `error` on the client, which without a listener kills the runner. The listener keeps the process
 * alive, and a client that failed is destroyed instead of going back to the pool.
 */
export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken = err;
  };
  client.on("error", onError);
  let failed: unknown;
  try {
    return await work(client);
  } catch (err) {
    failed = err;
    throw err;
  } finally {
    client.off("error", onError);
    client.release(broken ?? (failed instanceof Error ? failed : undefined));
  }
}

/** Runs `work` in one transaction; rolls back on any error. */
export async function withTransaction<T>(pool: pg.Pool, work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query("BEGIN");
    try {
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    }
  });
}

/** Tagged JSON for a jsonb parameter (pg would otherwise send arrays as Postgres arrays). */
export function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}
