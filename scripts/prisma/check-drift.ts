/**
 * `npm run db:check`: fails when prisma/schema.prisma and prisma/migrations disagree (someone changed
 * the schema without creating a migration, or edited a migration). Needs a PostgreSQL server for the
 * shadow database: DATABASE_URL's, else a throw-away embedded one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseEnv, ZDatabaseEnv } from "@/lib/env";
import { ensureDatabase, startEmbeddedPostgres } from "../lib/embedded-postgres";
import { runPrisma } from "./cli";

async function withServer<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const { DATABASE_URL } = parseEnv(ZDatabaseEnv);
  if (DATABASE_URL) return fn(DATABASE_URL);
  const dir = mkdtempSync(path.join(tmpdir(), "revbridge-drift-"));
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), persistent: false });
  try {
    return await fn(await ensureDatabase(server.adminUrl, "revbridge_drift"));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = [
  "migrate",
  "diff",
  "--from-migrations",
  "prisma/migrations",
  "--to-schema",
  "prisma/schema.prisma",
  "--exit-code",
];
const result = await withServer((url) => runPrisma(args, { env: { DATABASE_URL: url } }));
if (result.exitCode === 0) {
  process.stdout.write("Migrations match prisma/schema.prisma.\n");
} else if (result.exitCode === 2) {
  process.stderr.write(
    `prisma/schema.prisma has changes no migration contains. Create one: npm run prisma -- migrate dev --name <what-changed>\n${result.stdout}`,
  );
} else {
  process.stderr.write(
    `The drift check could not run (exit ${result.exitCode}):\n${result.stderr}${result.stdout}`,
  );
}
process.exit(result.exitCode === 0 ? 0 : 1);
