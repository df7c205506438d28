/**
 * Server-level PostgreSQL chores the native schema engine does itself and the WebAssembly engine leaves to
 * its host: checking a connection string, creating and dropping databases (`cli create-database`, the
 * temporary shadow database of `migrate dev` / `migrate diff --from-migrations`), with the native engine's
 * user-facing error codes so the Prisma CLI reacts the same way (P1003 makes it offer to create the database).
 */
import pg from "pg";

export interface TConnectionTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  /** Prisma's `?schema=` parameter; `public` when absent. */
  schema: string;
}

export class EngineUserError extends Error {
  override name = "EngineUserError";
  constructor(
    readonly errorCode: string,
    message: string,
    readonly meta: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Reads host, port, database, user and schema from a postgresql:// URL, with libpq's defaults. */
export function describeTarget(url: string): TConnectionTarget {
  if (!URL.canParse(url) || !/^postgres(ql)?:$/.test(new URL(url).protocol)) {
    throw new EngineUserError(
      "P1013",
      "The provided database string is invalid. It must start with `postgresql://` or `postgres://`.",
    );
  }
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "postgres";
  return {
    host: parsed.hostname || "localhost",
    port: parsed.port ? Number(parsed.port) : 5432,
    database,
    user: decodeURIComponent(parsed.username) || "postgres",
    schema: parsed.searchParams.get("schema") || "public",
  };
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * pg options for a Prisma connection string. `schema` is Prisma's own parameter (pg ignores it), so it
 * becomes the session's search_path, as the native engine does.
 */
export function toPoolConfig(url: string): pg.PoolConfig {
  const { schema } = describeTarget(url);
  return { connectionString: url, options: `-c search_path=${quoteIdent(schema)}` };
}

function errorCodeOf(error: unknown): string | undefined {
  return error && typeof error === "object" && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}

const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ECONNRESET",
]);

/** Maps a pg / socket failure to the native engine's P10xx error, or undefined when it is something else. */
export function toConnectionError(error: unknown, target: TConnectionTarget): EngineUserError | undefined {
  const code = errorCodeOf(error);
  const { host, port, database, user } = target;
  if (code === "3D000") {
    return new EngineUserError(
      "P1003",
      `Database \`${database}\` does not exist on the database server at \`${host}:${port}\`.`,
      { database_name: database, database_host: host, database_port: port },
    );
  }
  if (code === "28P01" || code === "28000") {
    return new EngineUserError(
      "P1000",
      `Authentication failed against database server at \`${host}\`, the provided database credentials for \`${user}\` are not valid.\n\nPlease make sure to provide valid database credentials for the database server at \`${host}\`.`,
      { database_user: user, database_host: host },
    );
  }
  if (code === "42501") {
    return new EngineUserError(
      "P1010",
      `User \`${user}\` was denied access on the database \`${database}\``,
      {
        database_user: user,
        database_name: database,
      },
    );
  }
  if ((code && UNREACHABLE.has(code)) || (error instanceof Error && /timeout/i.test(error.message))) {
    return new EngineUserError(
      "P1001",
      `Can't reach database server at \`${host}\`:\`${port}\`\n\nPlease make sure your database server is running at \`${host}\`:\`${port}\`.`,
      { database_host: host, database_port: port },
    );
  }
  return undefined;
}

/** Runs `work` on a short-lived client; connection failures become P10xx errors. */
async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const target = describeTarget(url);
  const client = new pg.Client({ ...toPoolConfig(url), connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw toConnectionError(error, target) ?? error;
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Like the native engine, server-level statements run from the `postgres` database, else `template1`. */
async function withMaintenanceClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  try {
    return await withClient(withDatabase(url, "postgres"), work);
  } catch (error) {
    if (error instanceof EngineUserError && (error.errorCode === "P1003" || error.errorCode === "P1010")) {
      return withClient(withDatabase(url, "template1"), work);
    }
    throw error;
  }
}

export async function checkConnection(url: string): Promise<void> {
  await withClient(url, async (client) => {
    await client.query("SELECT 1");
  });
}

export async function createDatabase(url: string): Promise<string> {
  const target = describeTarget(url);
  await withMaintenanceClient(url, async (client) => {
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(target.database)}`);
    } catch (error) {
      if (errorCodeOf(error) !== "42P04") throw error;
      throw new EngineUserError(
        "P1009",
        `Database \`${target.database}\` already exists on the database server at \`${target.host}:${target.port}\``,
      );
    }
  });
  return target.database;
}

/** Drops the URL's database, closing other sessions first (PostgreSQL 13+; older servers get a plain DROP). */
export async function dropDatabase(url: string, { ifExists = false } = {}): Promise<void> {
  const { database } = describeTarget(url);
  const drop = `DROP DATABASE ${ifExists ? "IF EXISTS " : ""}${quoteIdent(database)}`;
  await withMaintenanceClient(url, async (client) => {
    try {
      await client.query(`${drop} WITH (FORCE)`);
    } catch (error) {
      if (errorCodeOf(error) !== "42601") throw error;
      await client.query(drop);
    }
  });
}

/** Empties one schema of a database the user configured as shadow database (the native engine resets it too). */
export async function resetSchema(url: string): Promise<void> {
  const { schema } = describeTarget(url);
  await withClient(url, async (client) => {
    await client.query(
      `DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE; CREATE SCHEMA ${quoteIdent(schema)}`,
    );
  });
}
