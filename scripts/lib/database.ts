/**
 * Where the scripts' database comes from: DATABASE_URL wins; without it an embedded PostgreSQL
 * starts with data in `.data/pg` (kept between runs) and a `revbridge` database.
 */
import path from "node:path";
import { parseEnv, ZDatabaseEnv } from "@/lib/env";
import { ensureDatabase, startEmbeddedPostgres } from "./embedded-postgres";

export interface TResolvedDatabase {
  url: string;
  embedded: boolean;
  stop: () => Promise<void>;
}

export async function resolveDatabase(opts: {
  root: string;
  databaseName?: string;
  log: (line: string) => void;
}): Promise<TResolvedDatabase> {
  const { DATABASE_URL } = parseEnv(ZDatabaseEnv);
  if (DATABASE_URL) return { url: DATABASE_URL, embedded: false, stop: async () => {} };
  opts.log("DATABASE_URL is not set: starting the embedded PostgreSQL (data in .data/pg)…");
  const server = await startEmbeddedPostgres({ dataDir: path.join(opts.root, ".data", "pg"), log: opts.log });
  const url = await ensureDatabase(server.adminUrl, opts.databaseName ?? "revbridge");
  return { url, embedded: true, stop: server.stop };
}
