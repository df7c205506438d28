/**
 * `npm run demo`: everything for a first look, in one command. Database (DATABASE_URL or the
 * embedded PostgreSQL), migrations, demo users, a production build when missing, the provider
 * sandboxes and the local Inngest runner, then the console. Ctrl-C stops all of it.
 *
 * Flags: --port N (or PORT), --database NAME [--fresh] (a separate, optionally emptied database on the
 * same server, used by e2e), --no-sandbox, --no-traffic, --rebuild.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { ConfigError, childProcessEnv, parseEnv, ZDatabaseEnv } from "@/lib/env";
import { disconnectDb, setDatabaseUrl } from "@/lib/db";
import { buildNeeded } from "./lib/build-freshness";
import { resolveDatabase } from "./lib/database";
import { ensureDatabase } from "./lib/embedded-postgres";
import { isPortInUse } from "./lib/free-port";
import { migrateDeploy } from "./lib/migrate";
import { createShutdown, nextBin, runToEnd, startChild, stopChild, waitForHttp } from "./lib/processes";
import { demoSecret } from "./lib/demo-secret";
import { startDemoServices, type TDemoServices } from "./lib/demo-services";
import { DEMO_USERS, seedDemoUsers } from "./lib/seed";

const root = path.resolve(import.meta.dirname, "..");
const log = (line: string) => process.stdout.write(`[demo] ${line}\n`);
const shutdown = createShutdown(log);

const ZDemoEnv = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  NEXTAUTH_SECRET: z.string().min(32).optional(),
});

const { values: flags } = parseArgs({
  options: {
    port: { type: "string" },
    database: { type: "string" },
    fresh: { type: "boolean", default: false },
    "no-sandbox": { type: "boolean", default: false },
    "no-traffic": { type: "boolean", default: false },
    rebuild: { type: "boolean", default: false },
  },
});

async function main() {
  const config = parseEnv(ZDemoEnv);
  parseEnv(ZDatabaseEnv); // a malformed DATABASE_URL is one clear line, not a Prisma stack trace
  const port = flags.port ? Number(flags.port) : config.PORT;
  if (await isPortInUse(port)) {
    throw new ConfigError(
      `Port ${port} is in use: stop what runs there, or choose another with PORT=${port + 1} npm run demo.`,
    );
  }
  const database = await resolveDatabase({ root, log });
  shutdown.add(database.stop);
  const url = flags.database
    ? await ensureDatabase(database.url, flags.database, { fresh: flags.fresh })
    : database.url;

  log("Applying migrations…");
  await migrateDeploy(url);
  setDatabaseUrl(url);
  await seedDemoUsers();
  await disconnectDb();

  const rebuildReason = flags.rebuild ? "--rebuild" : buildNeeded(root);
  if (rebuildReason) {
    log(`Building the console (${rebuildReason}; takes a minute or two)…`);
    await runToEnd(process.execPath, [nextBin(root), "build"], {
      cwd: root,
      env: childProcessEnv({ NEXT_TELEMETRY_DISABLED: "1" }),
    });
  }

  const appUrl = `http://localhost:${port}`;
  let services: TDemoServices | null = null;
  if (!flags["no-sandbox"]) {
    services = await startDemoServices({ databaseUrl: url, appUrl, traffic: !flags["no-traffic"], log });
    shutdown.add(services.stop);
  }

  const app = startChild(process.execPath, [nextBin(root), "start", "-p", String(port)], {
    cwd: root,
    env: childProcessEnv({
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DEMO_MODE: "true",
      DATABASE_URL: url,
      APP_URL: appUrl,
      NEXTAUTH_URL: appUrl,
      NEXTAUTH_SECRET: config.NEXTAUTH_SECRET ?? demoSecret(root),
      ...(services?.appEnv ?? {}),
    }),
  });
  shutdown.add(() => stopChild(app));
  app.on("exit", (code) => {
    log(`The console process exited (${code ?? "signal"}).`);
    void shutdown.exit(code ?? 1);
  });

  await waitForHttp(`${appUrl}/signin`, 120_000);
  await services?.afterAppStarted();
  log("");
  log(`RevBridge console: ${appUrl}`);
  log("Demo logins (email / password):");
  for (const u of DEMO_USERS) log(`  ${u.role.padEnd(8)} ${u.email} / ${u.password}`);
  log("Press Ctrl-C to stop everything.");
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : `Demo failed: ${(error as Error).message}`;
  process.stderr.write(`${message}\n`);
  void shutdown.exit(1);
});
