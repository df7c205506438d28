/**
 * Integration tests' database server: the one DATABASE_URL points at (CI creates a fresh database
 * per run) or, when unset, an embedded PostgreSQL in a temp folder. Migrations are applied once
 * into a template database; every test file then gets its own copy (CREATE DATABASE … TEMPLATE).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { parseEnv, ZDatabaseEnv } from "@/lib/env";
import { ensureDatabase, startEmbeddedPostgres } from "@/scripts/lib/embedded-postgres";
import { migrateDeploy } from "@/scripts/lib/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject) {
  const { DATABASE_URL } = parseEnv(ZDatabaseEnv);
  let adminUrl: string;
  let stopServer = async () => {};
  if (DATABASE_URL) {
    const u = new URL(DATABASE_URL);
    u.pathname = "/postgres";
    adminUrl = u.toString();
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), "revbridge-test-"));
    const server = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), persistent: false });
    adminUrl = server.adminUrl;
    stopServer = async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const template = `rb_tpl_${process.pid}_${Date.now().toString(36)}`;
  const templateUrl = await ensureDatabase(adminUrl, template);
  await migrateDeploy(templateUrl, { quiet: true });
  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgTemplate", template);
  return async () => {
    await dropDatabase(adminUrl, template);
    await stopServer();
  };
}
