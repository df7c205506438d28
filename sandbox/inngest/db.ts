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

/** Runs `work` in one transaction; rolls back on any error. */
export async function withTransaction<T>(pool: pg.Pool, work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Tagged JSON for a jsonb parameter (pg would otherwise send arrays as Postgres arrays). */
export function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}
