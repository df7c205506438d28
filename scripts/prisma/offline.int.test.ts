/**
 * The stock Prisma CLI driven through the offline schema-engine bridge (PRISMA_OFFLINE=1), against a real
 * PostgreSQL: the project's committed migrations deploy into an empty database, report no drift against
 * schema.prisma, a drifted schema is caught, and a hand-written migration with a `$$` body and an
 * extension applies as one script. Works on a scratch copy of prisma/ so the project's files are untouched.
 */
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { parseEnv } from "@/lib/env";
import { runPrisma, type TPrismaRunResult } from "./cli";
import { withDatabase } from "./pg-admin";

const ZTestEnv = z.object({
  /** Server to create the scratch database on; the integration setup's server wins when it provides one. */
  PRISMA_TEST_PG_URL: z.string().default("postgresql://postgres@127.0.0.1:5432/postgres"),
});

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const adminUrl = inject("pgAdminUrl") ?? parseEnv(ZTestEnv).PRISMA_TEST_PG_URL;
const databaseName = `rb_prisma_offline_${randomBytes(5).toString("hex")}`;
const databaseUrl = withDatabase(adminUrl, databaseName);
let scratch = "";

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function prisma(args: string[]): Promise<TPrismaRunResult> {
  return runPrisma([...args, "--config", path.join(scratch, "prisma.config.ts")], {
    env: { DATABASE_URL: databaseUrl, PRISMA_OFFLINE: "1" },
  });
}

const scratchPath = (...parts: string[]) => path.join(scratch, ...parts);

async function listShadowDatabases(): Promise<string[]> {
  const rows = await query<{ datname: string }>(
    adminUrl,
    "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'",
  );
  return rows.map((r) => r.datname);
}

let shadowDatabasesBefore: string[] = [];

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "rb-prisma-offline-"));
  cpSync(path.join(ROOT, "prisma", "schema.prisma"), scratchPath("prisma", "schema.prisma"));
  cpSync(path.join(ROOT, "prisma", "migrations"), scratchPath("prisma", "migrations"), { recursive: true });
  // A config with no imports: it is loaded from the temp folder, where `prisma/config` does not resolve.
  // The `process.env` below is text written into that file for the Prisma CLI to read (as the project's
  // own prisma.config.ts does, before the app's env module exists); this test reads nothing from it.
  writeFileSync(
    scratchPath("prisma.config.ts"),
    `export default { schema: "prisma/schema.prisma", migrations: { path: "prisma/migrations" }, datasource: { url: process.env.DATABASE_URL ?? "" } };\n`,
  );
  shadowDatabasesBefore = await listShadowDatabases();
  await query(adminUrl, `CREATE DATABASE "${databaseName}"`);
});

afterAll(async () => {
  await query(adminUrl, `DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("Prisma CLI over the offline schema engine", () => {
  it("deploys the committed migrations into an empty database", async () => {
    const migrationNames = readdirSync(scratchPath("prisma", "migrations"), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(migrationNames.length).toBeGreaterThan(0);

    const result = await prisma(["migrate", "deploy"]);
    expect(result.mode.offline).toBe(true);
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toContain("All migrations have been successfully applied.");

    const applied = await query<{ migration_name: string; finished_at: Date | null }>(
      databaseUrl,
      'SELECT migration_name, finished_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(applied.map((r) => r.migration_name)).toEqual(migrationNames);
    expect(applied.every((r) => r.finished_at !== null)).toBe(true);
    const tables = await query<{ tablename: string }>(
      databaseUrl,
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
    );
    expect(tables.map((t) => t.tablename)).toEqual(expect.arrayContaining(["User", "WebhookEvent"]));
  });

  it("reports the database up to date", async () => {
    const result = await prisma(["migrate", "status"]);
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toContain("Database schema is up to date!");
  });

  it("finds no drift between the migrations and schema.prisma (the CI check)", async () => {
    const result = await prisma([
      "migrate",
      "diff",
      "--from-migrations",
      scratchPath("prisma", "migrations"),
      "--to-schema",
      scratchPath("prisma", "schema.prisma"),
      "--exit-code",
    ]);
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toContain("No difference detected.");
  });

  it("exits 2 with a summary when the schema drifts from the migrations", async () => {
    const drifted = scratchPath("prisma", "drifted.prisma");
    writeFileSync(
      drifted,
      `${readFileSync(scratchPath("prisma", "schema.prisma"), "utf8")}\n/// Not in any migration.\nmodel DriftProbe {\n  id Int @id\n}\n`,
    );
    const result = await prisma([
      "migrate",
      "diff",
      "--from-migrations",
      scratchPath("prisma", "migrations"),
      "--to-schema",
      drifted,
      "--exit-code",
    ]);
    expect(result.exitCode, result.stderr + result.stdout).toBe(2);
    expect(result.stdout).toContain("DriftProbe");
  });

  it("applies a migration with a $$ function body and an extension as one script", async () => {
    const dir = scratchPath("prisma", "migrations", "99991231000000_plpgsql");
    mkdirSync(dir);
    writeFileSync(
      path.join(dir, "migration.sql"),
      [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
        "",
        "-- Semicolons inside the body and inside a literal must not split the script.",
        'CREATE OR REPLACE FUNCTION "offline_probe"(input TEXT) RETURNS TEXT AS $$',
        "DECLARE",
        "  joined TEXT;",
        "BEGIN",
        "  joined := input || ';done';",
        "  RETURN joined;",
        "END;",
        "$$ LANGUAGE plpgsql;",
        "",
      ].join("\n"),
    );
    const deploy = await prisma(["migrate", "deploy"]);
    expect(deploy.exitCode, deploy.stderr + deploy.stdout).toBe(0);
    expect(deploy.stdout).toContain("99991231000000_plpgsql");

    const [probe] = await query<{ value: string }>(databaseUrl, `SELECT "offline_probe"('a') AS value`);
    expect(probe?.value).toBe("a;done");
    const [trgm] = await query<{ similar: boolean }>(
      databaseUrl,
      "SELECT 'revbridge' % 'revbrige' AS similar",
    );
    expect(trgm?.similar).toBe(true);

    // Functions and extensions are outside Prisma's model: the history still matches the schema.
    const diff = await prisma([
      "migrate",
      "diff",
      "--from-migrations",
      scratchPath("prisma", "migrations"),
      "--to-schema",
      scratchPath("prisma", "schema.prisma"),
      "--exit-code",
    ]);
    expect(diff.exitCode, diff.stderr + diff.stdout).toBe(0);
  });

  it("leaves no temporary shadow database behind", async () => {
    const leftovers = (await listShadowDatabases()).filter((name) => !shadowDatabasesBefore.includes(name));
    expect(leftovers).toEqual([]);
  });
});
