/**
 * One database per integration test file, copied from the migrated template made by
 * test/global-setup.ts, and dropped when the file ends.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { disconnectDb, setDatabaseUrl } from "@/lib/db";

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject("pgAdminUrl") });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `rb_t_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${inject("pgTemplate")}"`);
  const url = new URL(inject("pgAdminUrl"));
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** Points lib/db at a fresh database for this file; returns its URL once beforeAll has run. */
export function withFreshDatabase(): { url: () => string } {
  let current: { url: string; drop: () => Promise<void> } | undefined;
  beforeAll(async () => {
    current = await createTestDatabase();
    setDatabaseUrl(current.url);
  });
  afterAll(async () => {
    await disconnectDb();
    await current?.drop();
  });
  return {
    url: () => {
      if (!current) throw new Error("withFreshDatabase(): the database exists only inside tests and hooks");
      return current.url;
    },
  };
}
