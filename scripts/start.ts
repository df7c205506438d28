/**
 * `npm start`: the production server, honouring the environment. With DATABASE_URL unset it starts
 * the embedded PostgreSQL and applies migrations first (a single-machine install); with
 * DATABASE_URL set, migrations are a deploy step (`npm run db:migrate`), as on Vercel.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ConfigError, childProcessEnv, parseEnv, ZAppEnv, ZDatabaseEnv } from "@/lib/env";
import { resolveDatabase } from "./lib/database";
import { isPortInUse } from "./lib/free-port";
import { migrateDeploy } from "./lib/migrate";
import { createShutdown, nextBin, startChild, stopChild } from "./lib/processes";

const root = path.resolve(import.meta.dirname, "..");
const log = (line: string) => process.stdout.write(`[start] ${line}\n`);
const shutdown = createShutdown(log);

/** Stands in for the embedded database's URL while validating, before that server exists. */
const EMBEDDED_PLACEHOLDER = "postgresql://embedded@127.0.0.1:5432/revbridge";

async function main() {
  const { PORT } = parseEnv(z.object({ PORT: z.coerce.number().int().min(1).max(65535).default(3000) }));
  // Validate the whole configuration before anything starts, so a mistake is one clear line here.
  const { DATABASE_URL } = parseEnv(ZDatabaseEnv);
  parseEnv(
    ZAppEnv,
    childProcessEnv({ DATABASE_URL: DATABASE_URL ?? EMBEDDED_PLACEHOLDER, NODE_ENV: "production" }),
  );
  if (await isPortInUse(PORT))
    throw new ConfigError(`Port ${PORT} is in use: stop what runs there or set PORT.`);
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    throw new ConfigError("No production build found: run npm run build first.");
  }

  const database = await resolveDatabase({ root, log });
  shutdown.add(database.stop);
  if (database.embedded) await migrateDeploy(database.url);
  const app = startChild(process.execPath, [nextBin(root), "start", "-p", String(PORT)], {
    cwd: root,
    env: childProcessEnv({
      DATABASE_URL: database.url,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
    }),
  });
  shutdown.add(() => stopChild(app));
  app.on("exit", (code) => void shutdown.exit(code ?? 1));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : `Start failed: ${(error as Error).message}`}\n`,
  );
  void shutdown.exit(1);
});
