import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;

// Two projects: `unit` (pure logic, no services; *.test.ts) and `integration` (real PostgreSQL,
// real HTTP servers; *.int.test.ts). Each integration file gets its own database (see test/db.ts).
export default defineConfig({
  resolve: {
    alias: {
      "@/": `${root}/`,
      // `server-only` throws outside the react-server condition; tests run server code directly.
      "server-only": path.join(root, "test/server-only-stub.ts"),
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["{lib,inngest,sandbox,app,scripts,bench}/**/*.test.{ts,tsx}"],
          exclude: ["**/*.int.test.{ts,tsx}", "**/node_modules/**"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["{lib,inngest,sandbox,app,scripts,bench,test}/**/*.int.test.{ts,tsx}"],
          exclude: ["**/node_modules/**"],
          environment: "node",
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
    ],
  },
});
