/**
 * Throw-away Postgres databases for benchmark scenarios. Every scenario creates a fresh database
 * through the admin connection (BENCH_POSTGRES_ADMIN_URL), runs against it and force-drops it at the
 * end; this module holds that one piece so the scenarios do not each carry their own copy.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

/** Runs one statement (CREATE/DROP DATABASE) on its own short-lived admin connection. */
export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TScratchDatabase {
  name: string;
  /** The admin URL with its database swapped for the new one. */
  url: string;
  /** DROP DATABASE IF EXISTS … WITH (FORCE). */
  drop(): Promise<void>;
}

/** Creates `<prefix>_<10 hex chars>` on the admin server. */
export async function createScratchDatabase(adminUrl: string, prefix: string): Promise<TScratchDatabase> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    name,
    url: u.toString(),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
