/**
 * The JSON-RPC methods the Prisma CLI calls on its schema engine (see `SchemaEngineCLI` in
 * node_modules/prisma/build/index.js), each mapped onto the WebAssembly engine. Most are passed through
 * unchanged: the wasm engine takes the same input shapes. The exceptions are the ones where the native
 * binary does something the wasm build leaves to its host (database creation, printing diff output,
 * reaching a database by URL).
 */
import { z } from "zod";
import { type TDatasourceArg } from "./engine-args";
import { takeLastScriptFailure } from "./driver-adapter";
import { EngineUserError, checkConnection, createDatabase } from "./pg-admin";
import { type TWasmEngineHandle, type TWasmSchemaEngine, readWasmEngineVersion } from "./wasm-engine";

export interface TEngineSession {
  readonly datasource: TDatasourceArg;
  /**
   * Engine bound to the datasource URL (or another URL a request names), created on first use.
   * `databaseOptional`: the request never reads the main database (a diff between schema files and/or a
   * migrations folder), so a database that does not exist yet is no reason to fail; see rpc-server.ts.
   */
  engineFor(url?: string, options?: { databaseOptional?: boolean }): Promise<TWasmEngineHandle>;
  /** Asks the CLI to print to its stdout (JSON-RPC request `print`), as the native engine does for diffs. */
  print(content: string): Promise<void>;
}

type THandler = (params: unknown, session: TEngineSession) => Promise<unknown>;

const ZDatasourceParam = z.union([
  z.object({ tag: z.literal("ConnectionString"), url: z.string() }),
  z.object({ tag: z.literal("Schema") }).loose(),
]);

/** A URL the request names explicitly, else undefined (= the configured datasource). */
function urlOfDatasourceParam(value: unknown): string | undefined {
  const parsed = ZDatasourceParam.safeParse(value);
  return parsed.success && parsed.data.tag === "ConnectionString" ? parsed.data.url : undefined;
}

export function requireUrl(session: TEngineSession, url?: string): string {
  const resolved = url ?? session.datasource.url;
  if (!resolved) {
    throw new EngineUserError(
      "P1012",
      "No datasource URL: set DATABASE_URL (prisma.config.ts `datasource.url`). The offline schema engine needs a database connection for this command.",
    );
  }
  return resolved;
}

/** The wasm method's input type; the CLI sends exactly these shapes. */
type TInput<M extends keyof TWasmSchemaEngine> = TWasmSchemaEngine[M] extends (input: infer I) => unknown
  ? I
  : never;

/** Calls a wasm method on the datasource's engine with the CLI's params as they came. */
function passThrough<I>(call: (engine: TWasmSchemaEngine, input: I) => Promise<unknown>): THandler {
  return async (params, session) => {
    const { engine } = await session.engineFor();
    return (await call(engine, params as I)) ?? {};
  };
}

const ZMigrationsInput = z.object({
  migrationsList: z.custom<TInput<"diagnoseMigrationHistory">["migrationsList"]>(
    (v) => typeof v === "object" && v !== null,
  ),
  filters: z.object({ externalTables: z.array(z.string()), externalEnums: z.array(z.string()) }),
});

/**
 * After `applyMigrations` (migrate dev applying pending migrations), the wasm engine no longer finds its
 * shadow-database factory and `evaluateDataLoss` / `createMigration` fail with "PostgreSQL shadow DB must be
 * provided through an external factory". A `diagnoseMigrationHistory` that opts in to the shadow database
 * sets it up again; we do that and retry once, only when that error occurs, so the usual path pays nothing.
 */
function withShadowReattach(method: "evaluateDataLoss" | "createMigration"): THandler {
  const call =
    method === "evaluateDataLoss"
      ? passThrough((e, input: TInput<"evaluateDataLoss">) => e.evaluateDataLoss(input))
      : passThrough((e, input: TInput<"createMigration">) => e.createMigration(input));
  return async (params, session) => {
    try {
      return await call(params, session);
    } catch (error) {
      if (!(
        error instanceof Error && /shadow DB must be provided through an external factory/.test(error.message)
      )) {
        throw error;
      }
      const { migrationsList, filters } = ZMigrationsInput.parse(params);
      const { engine } = await session.engineFor();
      await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: true, filters });
      return call(params, session);
    }
  };
}

/**
 * The native engine reports a migration script that fails as P3018 with the migration name and SQLSTATE;
 * the wasm engine throws a generic connector error whose trace names the migration. Rebuild the native one.
 */
function toMigrationFailure(error: unknown): EngineUserError | undefined {
  if (!(error instanceof Error) || !error.message.includes("apply_script")) return undefined;
  const name = /migration_name="([^"]+)"/.exec(error.message)?.[1];
  if (!name) return undefined;
  const failure = takeLastScriptFailure();
  const databaseError = failure
    ? `ERROR: ${failure.message}${failure.detail ? `\nDETAIL: ${failure.detail}` : ""}`
    : (error.message.split("\n   0:")[0] ?? error.message);
  const message = [
    "A migration failed to apply. New migrations cannot be applied before the error is recovered from. Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve",
    `Migration name: ${name}`,
    ...(failure ? [`Database error code: ${failure.code}`] : []),
    `Database error:\n${databaseError}`,
  ].join("\n\n");
  return new EngineUserError("P3018", message, {
    migration_name: name,
    database_error_code: failure?.code ?? "",
    database_error: databaseError,
  });
}

const applyMigrations = passThrough((e, input: TInput<"applyMigrations">) => e.applyMigrations(input));

const ZDiffParams = z
  .object({ from: z.object({ tag: z.string() }).loose(), to: z.object({ tag: z.string() }).loose() })
  .loose();

const ZDiffResult = z.object({ exitCode: z.number(), stdout: z.string().nullish() });

const ZDbExecuteParams = z
  .object({ datasourceType: z.object({ tag: z.string(), url: z.string().optional() }).loose() })
  .loose();

const ZUrlParams = z.object({ url: z.string() }).loose();
const ZDatasourceParams = z.object({ datasource: z.unknown() }).loose();

export const RPC_METHODS: Record<string, THandler> = {
  async applyMigrations(params, session) {
    try {
      return await applyMigrations(params, session);
    } catch (error) {
      throw toMigrationFailure(error) ?? error;
    }
  },
  createMigration: withShadowReattach("createMigration"),
  devDiagnostic: passThrough((e, input: TInput<"devDiagnostic">) => e.devDiagnostic(input)),
  diagnoseMigrationHistory: passThrough((e, input: TInput<"diagnoseMigrationHistory">) =>
    e.diagnoseMigrationHistory(input),
  ),
  evaluateDataLoss: withShadowReattach("evaluateDataLoss"),
  markMigrationApplied: passThrough((e, input: TInput<"markMigrationApplied">) =>
    e.markMigrationApplied(input),
  ),
  markMigrationRolledBack: passThrough((e, input: TInput<"markMigrationRolledBack">) =>
    e.markMigrationRolledBack(input),
  ),
  reset: passThrough((e, input: TInput<"reset">) => e.reset(input)),
  schemaPush: passThrough((e, input: TInput<"schemaPush">) => e.schemaPush(input)),
  introspect: passThrough((e, input: TInput<"introspect">) => e.introspect(input)),

  // The native engine prints the diff through the CLI (a `print` request) and returns only the exit code.
  async diff(params, session) {
    const { from, to } = ZDiffParams.parse(params);
    const databaseOptional =
      ![from.tag, to.tag].includes("schemaDatasource") && ![from.tag, to.tag].includes("url");
    const { engine } = await session.engineFor(undefined, { databaseOptional });
    const result = ZDiffResult.parse(await engine.diff(params as TInput<"diff">));
    if (result.stdout)
      await session.print(result.stdout.endsWith("\n") ? result.stdout : `${result.stdout}\n`);
    return { exitCode: result.exitCode };
  },

  async dbExecute(params, session) {
    const { datasourceType } = ZDbExecuteParams.parse(params);
    const { engine } = await session.engineFor(datasourceType.tag === "url" ? datasourceType.url : undefined);
    await engine.dbExecute(params as TInput<"dbExecute">);
    return {};
  },

  async introspectSql(params, session) {
    const { url } = ZUrlParams.parse(params);
    const { engine } = await session.engineFor(url);
    return engine.introspectSql(params as TInput<"introspectSql">);
  },

  async ensureConnectionValidity(params, session) {
    const { datasource } = ZDatasourceParams.parse(params);
    await checkConnection(requireUrl(session, urlOfDatasourceParam(datasource)));
    return {};
  },

  async createDatabase(params, session) {
    const { datasource } = ZDatasourceParams.parse(params);
    return { databaseName: await createDatabase(requireUrl(session, urlOfDatasourceParam(datasource))) };
  },

  async getDatabaseVersion(params, session) {
    const datasource = ZDatasourceParams.safeParse(params);
    const { engine } = await session.engineFor(
      datasource.success ? urlOfDatasourceParam(datasource.data.datasource) : undefined,
    );
    return engine.version(null);
  },

  version: () => Promise.resolve(readWasmEngineVersion()),

  async debugPanic(_params, session) {
    const { engine } = await session.engineFor();
    engine.debugPanic();
    return {};
  },
};
