import "server-only";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

export interface TPartHealth {
  status: "ok" | "down" | "not_configured";
  detail: string;
}

export interface THealth {
  status: "ok" | "down";
  parts: { database: TPartHealth; migrations: TPartHealth; inngest: TPartHealth };
}

const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

async function checkDatabase(): Promise<TPartHealth> {
  try {
    await db().$queryRaw`SELECT 1`;
    return { status: "ok", detail: "reachable" };
  } catch (error) {
    return { status: "down", detail: `unreachable: ${(error as Error).message.split("\n")[0]}` };
  }
}

/** Every migration folder shipped with this build must be recorded as finished in the database. */
async function checkMigrations(): Promise<TPartHealth> {
  try {
    const shipped = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    const applied = await db().$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    const done = new Set(applied.map((r) => r.migration_name));
    const pending = shipped.filter((m) => !done.has(m));
    return pending.length === 0
      ? { status: "ok", detail: `${shipped.length} applied` }
      : { status: "down", detail: `${pending.length} pending: run npm run db:migrate` };
  } catch (error) {
    return {
      status: "down",
      detail: `cannot read migration state: ${(error as Error).message.split("\n")[0]}`,
    };
  }
}

/** Locally the dev server or runner must answer; in the cloud, keys must be present (Inngest calls us). */
async function checkInngest(): Promise<TPartHealth> {
  const e = env();
  if (e.INNGEST_DEV) {
    const base = /^https?:\/\//.test(e.INNGEST_DEV) ? e.INNGEST_DEV : "http://127.0.0.1:8288";
    try {
      // `/dev` is answered by both the official dev server and the local runner.
      const res = await fetch(new URL("/dev", base), { signal: AbortSignal.timeout(1500) });
      return res.ok
        ? { status: "ok", detail: `dev executor at ${base} is up` }
        : { status: "down", detail: `dev executor at ${base} answered ${res.status}` };
    } catch {
      return { status: "down", detail: `no Inngest dev server or local runner at ${base} (npm run runner)` };
    }
  }
  return e.INNGEST_SIGNING_KEY && e.INNGEST_EVENT_KEY
    ? { status: "ok", detail: "Inngest Cloud keys configured" }
    : { status: "not_configured", detail: "set INNGEST_EVENT_KEY and INNGEST_SIGNING_KEY, or INNGEST_DEV" };
}

export async function checkHealth(): Promise<THealth> {
  const [database, inngest] = await Promise.all([checkDatabase(), checkInngest()]);
  const migrations: TPartHealth =
    database.status === "ok" ? await checkMigrations() : { status: "down", detail: "database unreachable" };
  const parts = { database, migrations, inngest };
  const status = Object.values(parts).some((p) => p.status === "down") ? "down" : "ok";
  return { status, parts };
}
