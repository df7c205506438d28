/**
 * Offline stand-in for Prisma's native `schema-engine` binary: same command line, same JSON-RPC on stdio,
 * same log format on stderr, backed by `@prisma/schema-engine-wasm` over `@prisma/adapter-pg`.
 * Started by the Prisma CLI through PRISMA_SCHEMA_ENGINE_BINARY (see ./schema-engine and ./cli.ts).
 */
import { readFile } from "node:fs/promises";
import { parseEnv } from "../../lib/env";
import { ZEngineBridgeEnv } from "./config";
import { dropOpenShadowDatabases } from "./driver-adapter";
import {
  ENGINE_USAGE,
  EngineArgsError,
  type TCliSubcommand,
  type TEngineArgs,
  parseEngineArgs,
} from "./engine-args";
import { setEngineLogLevel, writeCliError, writeCliStartLine, writeEngineLog } from "./engine-log";
import { EngineUserError, checkConnection, createDatabase, dropDatabase } from "./pg-admin";
import { serveJsonRpc } from "./rpc-server";
import { checkPinnedEngineVersion, readWasmEngineVersion } from "./wasm-engine";

async function runCliSubcommand(subcommand: TCliSubcommand, url: string | undefined): Promise<number> {
  writeCliStartLine(readWasmEngineVersion());
  try {
    if (!url) throw new EngineUserError("P1012", "The `cli` subcommands need `--datasource` with a `url`.");
    if (subcommand === "can-connect-to-database") await checkConnection(url);
    if (subcommand === "create-database") {
      const name = await createDatabase(url);
      writeEngineLog("INFO", `Database '${name}' was successfully created.`);
    }
    if (subcommand === "drop-database") {
      await dropDatabase(url);
      writeEngineLog("INFO", "The database was successfully dropped.");
    }
    return 0;
  } catch (error) {
    if (error instanceof EngineUserError) writeCliError(error.errorCode, error.message);
    else writeCliError("", error instanceof Error ? error.message : String(error));
    return 1;
  }
}

async function runRpcServer(args: Extract<TEngineArgs, { mode: "rpc" }>): Promise<number> {
  const version = checkPinnedEngineVersion();
  writeEngineLog("INFO", "Starting schema engine RPC server", {
    git_hash: version.wasm,
    engine: "wasm-bridge",
  });
  if (!version.matches) {
    writeEngineLog("WARN", "@prisma/schema-engine-wasm is not the engine version this Prisma CLI pins", {
      wasm: version.wasm,
      pinned: version.pinned,
    });
  }
  const datamodels = await Promise.all(
    args.datamodels.map(async (path): Promise<[string, string]> => [path, await readFile(path, "utf8")]),
  );
  await serveJsonRpc({ datasource: args.datasource, datamodels });
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  setEngineLogLevel(parseEnv(ZEngineBridgeEnv).RUST_LOG);
  let args: TEngineArgs;
  try {
    args = parseEngineArgs(argv);
  } catch (error) {
    if (!(error instanceof EngineArgsError)) throw error;
    process.stderr.write(`error: ${error.message}\n\n${ENGINE_USAGE}`);
    return 2;
  }
  switch (args.mode) {
    case "version":
      process.stdout.write(`schema-engine-cli ${readWasmEngineVersion()}\n`);
      return 0;
    case "help":
      process.stdout.write(ENGINE_USAGE);
      return 0;
    case "cli":
      return runCliSubcommand(args.subcommand, args.datasource.url);
    case "rpc":
      return runRpcServer(args);
  }
}

// The CLI ends us with SIGTERM right after closing stdin, and Ctrl-C reaches the whole process group:
// either way, do not leave a temporary shadow database behind.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void dropOpenShadowDatabases().finally(() => process.exit(signal === "SIGINT" ? 130 : 0));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    writeEngineLog("ERROR", error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
