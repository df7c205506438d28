/**
 * Gives integration tests a valid app configuration: the required variables (this file's database,
 * a throwaway NEXTAUTH_SECRET) plus the test's own overrides, with the env cache reset so `env()`
 * re-reads them. Undo with `vi.unstubAllEnvs(); resetEnvCacheForTests()` (see `restoreAppEnv`).
 */
import { vi } from "vitest";
import { resetEnvCacheForTests } from "@/lib/env";

export function stubAppEnv(databaseUrl: string, overrides: Record<string, string> = {}): void {
  vi.stubEnv("DATABASE_URL", databaseUrl);
  vi.stubEnv("NEXTAUTH_SECRET", "test-secret-".padEnd(32, "x"));
  for (const [name, value] of Object.entries(overrides)) vi.stubEnv(name, value);
  resetEnvCacheForTests();
}

export function restoreAppEnv(): void {
  vi.unstubAllEnvs();
  resetEnvCacheForTests();
}
