/**
 * Two views of "the database did not change", both on the real PostgreSQL test database:
 *  - a write counter, read after every generated input: row triggers on every application table count
 *    each inserted, updated or deleted row (and truncates), so a single stray write is caught cheaply
 *    and fast-check can shrink the input that made it;
 *  - a fingerprint (row count and md5 of every table's rows), compared before and after each run.
 * ApiKey.lastUsedAt is left out of both on purpose: it is bookkeeping for people ("is this key still
 * used?"), refreshed at most once a minute whenever a valid key is presented, whatever the body.
 * The triggers and the counter table exist only in the test database.
 */
import { db } from "@/lib/db";

export type TDbFingerprint = Record<string, string>;

async function appTables(): Promise<string[]> {
  const rows = await db().$queryRaw<{ name: string }[]>`
    SELECT tablename AS name FROM pg_tables
     WHERE schemaname = 'public' AND tablename NOT IN ('_prisma_migrations', '_fuzz_writes')
     ORDER BY tablename`;
  return rows.map((r) => r.name);
}

// Each test file has its own database and its own module instance, so once per module is once per database.
let installed = false;

/** Installs the write-counting triggers (once per test database). */
export async function installWriteCounter(): Promise<void> {
  if (installed) return;
  installed = true;
  await db().$executeRawUnsafe(
    `CREATE TABLE IF NOT EXISTS "_fuzz_writes" (tbl text PRIMARY KEY, n bigint NOT NULL)`,
  );
  await db().$executeRawUnsafe(`
    CREATE OR REPLACE FUNCTION "_fuzz_count_write"() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_TABLE_NAME = 'ApiKey' AND TG_OP = 'UPDATE'
         AND (to_jsonb(NEW) - 'lastUsedAt') = (to_jsonb(OLD) - 'lastUsedAt') THEN
        RETURN NULL;
      END IF;
      INSERT INTO "_fuzz_writes" VALUES (TG_TABLE_NAME, 1) ON CONFLICT (tbl) DO UPDATE SET n = "_fuzz_writes".n + 1;
      RETURN NULL;
    END $$`);
  for (const table of await appTables()) {
    await db().$executeRawUnsafe(`DROP TRIGGER IF EXISTS "_fuzz_rows" ON "${table}"`);
    await db().$executeRawUnsafe(`DROP TRIGGER IF EXISTS "_fuzz_truncate" ON "${table}"`);
    await db().$executeRawUnsafe(
      `CREATE TRIGGER "_fuzz_rows" AFTER INSERT OR UPDATE OR DELETE ON "${table}" FOR EACH ROW EXECUTE FUNCTION "_fuzz_count_write"()`,
    );
    await db().$executeRawUnsafe(
      `CREATE TRIGGER "_fuzz_truncate" AFTER TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION "_fuzz_count_write"()`,
    );
  }
}

/** Rows written per application table since the counter was installed (committed writes only). */
export async function writeCounts(): Promise<Record<string, number>> {
  const rows = await db().$queryRawUnsafe<{ tbl: string; n: bigint }[]>(`SELECT tbl, n FROM "_fuzz_writes"`);
  return Object.fromEntries(rows.map((r) => [r.tbl, Number(r.n)]));
}

/** `{ table: rows written }` between two counts, for the tables that were written. */
export function writesBetween(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [table, n] of Object.entries(after))
    if (n !== (before[table] ?? 0)) out[table] = n - (before[table] ?? 0);
  return out;
}

export async function dbFingerprint(): Promise<TDbFingerprint> {
  const query = (await appTables())
    .map(
      (name) =>
        `SELECT '${name}' AS name, count(*)::text || ':' || ` +
        `md5(coalesce(string_agg((to_jsonb(t) - 'lastUsedAt')::text, '|' ORDER BY (to_jsonb(t) - 'lastUsedAt')::text), '')) AS sum ` +
        `FROM "${name}" t`,
    )
    .join(" UNION ALL ");
  const rows = await db().$queryRawUnsafe<{ name: string; sum: string }[]>(query);
  return Object.fromEntries(rows.map((r) => [r.name, r.sum]));
}

/** The tables whose fingerprint differs (empty when nothing changed). */
export function changedTables(before: TDbFingerprint, after: TDbFingerprint): string[] {
  return Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
}
