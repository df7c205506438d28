import { parseEnv, ZDatabaseEnv } from "@/lib/env";

/** e2e resets and seeds its database: refuse anything that is not on this machine. */
export default function assertLocalDatabase(): void {
  const { DATABASE_URL } = parseEnv(ZDatabaseEnv);
  if (!DATABASE_URL) return; // the embedded PostgreSQL is local by construction
  const host = new URL(DATABASE_URL).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
    throw new Error(
      `e2e refuses to run against a non-local database (${host}); point DATABASE_URL at 127.0.0.1.`,
    );
  }
}
