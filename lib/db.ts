import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";

export type { PrismaClient } from "@/lib/generated/prisma/client";
export { Prisma } from "@/lib/generated/prisma/client";

// One client per process. Created on first use (not at import) so that `next build` and tests
// can import modules without a database; kept on globalThis so dev hot-reload does not leak pools.
const holder = globalThis as unknown as { revbridgeDb?: PrismaClient; revbridgeDbUrl?: string };

/**
 * Points this process at a database without the rest of the app's configuration: scripts (seed,
 * demo) and integration tests (one database per test file) call it before the first `db()`.
 */
export function setDatabaseUrl(url: string): void {
  holder.revbridgeDbUrl = url;
}

export function db(): PrismaClient {
  holder.revbridgeDb ??= new PrismaClient({
    adapter: new PrismaPg({ connectionString: holder.revbridgeDbUrl ?? env().DATABASE_URL, max: 10 }),
  });
  return holder.revbridgeDb;
}

/** Closes the pool; the next `db()` call opens a new one. */
export async function disconnectDb(): Promise<void> {
  const client = holder.revbridgeDb;
  holder.revbridgeDb = undefined;
  await client?.$disconnect();
}
