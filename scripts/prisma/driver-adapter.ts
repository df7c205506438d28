/**
 * The driver adapter the WebAssembly schema engine talks to PostgreSQL through: `@prisma/adapter-pg`, with
 * three corrections that make it behave like the native engine's own connection:
 *
 * 1. Catalog columns of type `"char"` (OID 18, e.g. `pg_class.relkind`, `pg_constraint.contype`) are read
 *    by the engine's introspection queries; adapter-pg has no column type for that OID and fails the whole
 *    query. They are single characters, so they are reported as text.
 * 2. adapter-pg's `executeScript` splits a script at every `;`, which cuts `$$ ... $$` function bodies and
 *    quoted semicolons apart. The native engine sends a migration script as one simple-protocol query;
 *    so do we.
 * 3. adapter-pg's `connectToShadowDb` gives the new pool `{ ...config, database }`, but a connection string
 *    wins over `database` in pg, so the "shadow" pool would reach the main database; it also drops the
 *    shadow database before closing its pool. We create a uniquely named shadow database on the same server,
 *    connect to it by URL, and on dispose close the pool first, then drop it.
 */
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  isDriverAdapterError,
} from "@prisma/driver-adapter-utils";
import pg from "pg";
import { writeEngineLog } from "./engine-log";
import {
  EngineUserError,
  createDatabase,
  describeTarget,
  dropDatabase,
  resetSchema,
  toPoolConfig,
  withDatabase,
} from "./pg-admin";

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

type TQueryResultLike = { fields?: Array<{ dataTypeID: number }> };

function retypeCharColumns<T>(result: T): T {
  const results: unknown[] = Array.isArray(result) ? result : [result];
  for (const r of results) {
    for (const field of (r as TQueryResultLike | undefined)?.fields ?? []) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
  }
  return result;
}

type TQueryCallback = (err: Error | undefined, res: unknown) => void;

/**
 * A pg Client whose results report `"char"` columns as text. Values are already decoded as strings by
 * then (pg's default parser for OID 18), so only the reported type changes.
 */
class CharAsTextClient extends pg.Client {
  // pg's query() has many overloads (promise and callback forms); this wrapper keeps both.
  override query(...args: unknown[]): never {
    const last = args.at(-1);
    if (typeof last === "function") {
      const callback = last as TQueryCallback;
      args[args.length - 1] = (err: Error | undefined, res: unknown) =>
        callback(err, err ? res : retypeCharColumns(res));
    }
    const ret: unknown = super.query.apply(this, args as never);
    if (ret instanceof Promise) return ret.then(retypeCharColumns) as never;
    return ret as never;
  }
}

function createPool(url: string): pg.Pool {
  // A migration run is sequential; a few connections cover the engine's transaction plus a query.
  return new pg.Pool({
    ...toPoolConfig(url),
    max: 4,
    Client: CharAsTextClient as unknown as new () => pg.ClientBase,
  });
}

export interface TScriptFailure {
  /** PostgreSQL SQLSTATE, e.g. `42601`. */
  code: string;
  message: string;
  detail?: string;
}

let lastScriptFailure: TScriptFailure | undefined;

/**
 * The database error behind the last failed script. The wasm engine reports a failed migration only as
 * "Error querying the database: <message>", without the SQLSTATE the native P3018 error shows.
 */
export function takeLastScriptFailure(): TScriptFailure | undefined {
  const failure = lastScriptFailure;
  lastScriptFailure = undefined;
  return failure;
}

function describeScriptFailure(error: unknown): TScriptFailure | undefined {
  if (!isDriverAdapterError(error)) return undefined;
  const cause = error.cause as { originalCode?: string; originalMessage?: string; detail?: string };
  if (!cause.originalCode) return undefined;
  return { code: cause.originalCode, message: cause.originalMessage ?? error.message, detail: cause.detail };
}

async function connectAdapter(url: string, onDispose?: () => Promise<void>): Promise<SqlDriverAdapter> {
  const { schema } = describeTarget(url);
  const adapter = await new PrismaPg(createPool(url), { schema, disposeExternalPool: true }).connect();
  // No parameters → pg uses the simple query protocol, which accepts a whole multi-statement script.
  adapter.executeScript = async (script: string) => {
    try {
      await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
    } catch (error) {
      lastScriptFailure = describeScriptFailure(error);
      throw error;
    }
  };
  if (onDispose) {
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await onDispose();
    };
  }
  return adapter;
}

export interface TAdapterTargets {
  url: string;
  /** From prisma.config.ts `datasource.shadowDatabaseUrl`; without it a temporary database is used. */
  shadowDatabaseUrl?: string;
}

/** Shadow databases still open, so a dying bridge can drop them. */
const openShadowDatabases = new Set<string>();

export async function dropOpenShadowDatabases(): Promise<void> {
  await Promise.allSettled([...openShadowDatabases].map((url) => dropDatabase(url, { ifExists: true })));
  openShadowDatabases.clear();
}

async function connectToShadowDb({ url, shadowDatabaseUrl }: TAdapterTargets): Promise<SqlDriverAdapter> {
  if (shadowDatabaseUrl) {
    const main = describeTarget(url);
    const shadow = describeTarget(shadowDatabaseUrl);
    if (main.host === shadow.host && main.port === shadow.port && main.database === shadow.database) {
      throw new EngineUserError(
        "P3014",
        "The shadow database you configured appears to be the same as the main database. Please specify another shadow database.",
      );
    }
    await resetSchema(shadowDatabaseUrl);
    return connectAdapter(shadowDatabaseUrl);
  }
  const shadowUrl = withDatabase(url, `prisma_migrate_shadow_db_${randomUUID()}`);
  await createDatabase(shadowUrl);
  openShadowDatabases.add(shadowUrl);
  writeEngineLog("DEBUG", "created temporary shadow database", {
    database: describeTarget(shadowUrl).database,
  });
  return connectAdapter(shadowUrl, async () => {
    await dropDatabase(shadowUrl, { ifExists: true });
    openShadowDatabases.delete(shadowUrl);
  });
}

export function createAdapterFactory(targets: TAdapterTargets): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: () => connectAdapter(targets.url),
    connectToShadowDb: () => connectToShadowDb(targets),
  };
}
