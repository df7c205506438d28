/**
 * Loads `@prisma/schema-engine-wasm` (the WebAssembly build of the schema engine that
 * `@prisma/engines-version` pins) and creates engine instances bound to a driver adapter.
 *
 * The package's default entry imports the `.wasm` file as an ES module, which Node 20 only allows behind
 * `--experimental-wasm-modules`; like Prisma's own loader we instantiate the bytes ourselves and hand the
 * exports to the wasm-bindgen glue.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { enginesVersion } from "@prisma/engines-version";
import * as glue from "@prisma/schema-engine-wasm/schema_engine_bg";
import { type TAdapterTargets, createAdapterFactory } from "./driver-adapter";
import { forwardWasmLog } from "./engine-log";

export type TWasmSchemaEngine = glue.SchemaEngine;

/** The wasm panic hook writes the panic message here (the global name is fixed by the engine build). */
class WasmPanicRegistry {
  private message = "";
  get(): string {
    return this.message;
  }
  set_message(value: string): void {
    this.message = value;
  }
}

const panicRegistry = new WasmPanicRegistry();
(globalThis as { PRISMA_WASM_PANIC_REGISTRY?: WasmPanicRegistry }).PRISMA_WASM_PANIC_REGISTRY = panicRegistry;

/** The last panic message, e.g. `RuntimeError: called Option::unwrap() on a None value`. */
export function readWasmPanicMessage(): string {
  return panicRegistry.get();
}

let loaded = false;

function loadWasmModule(): void {
  if (loaded) return;
  const require = createRequire(import.meta.url);
  const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const bytes = readFileSync(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { "./schema_engine_bg.js": glue });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  loaded = true;
}

/** The engine commit hash the wasm build was made from (what `schema-engine --version` prints). */
export function readWasmEngineVersion(): string {
  loadWasmModule();
  return glue.version();
}

/**
 * The wasm build must be the engine commit the installed Prisma CLI pins (`@prisma/engines-version`):
 * migration SQL, checksums and the RPC shapes are tied to it. Upgrading `prisma` without upgrading
 * `@prisma/schema-engine-wasm` to the matching `<version>-<n>.<hash>` release breaks this.
 */
export function checkPinnedEngineVersion(): { wasm: string; pinned: string; matches: boolean } {
  const wasm = readWasmEngineVersion();
  return { wasm, pinned: enginesVersion, matches: wasm === enginesVersion };
}

export interface TWasmEngineHandle {
  engine: TWasmSchemaEngine;
  /** Resolves `External error id#N` messages: adapter failures are parked here by the error-capturing wrapper. */
  describeExternalError(message: string): string;
}

/**
 * Creates an engine connected to `targets.url`. The engine connects and reads the server version at once,
 * so this fails when the database is unreachable.
 */
export async function createWasmEngine(
  targets: TAdapterTargets,
  datamodels: Array<[path: string, content: string]>,
): Promise<TWasmEngineHandle> {
  loadWasmModule();
  const factory = bindMigrationAwareSqlAdapterFactory(createAdapterFactory(targets));
  const describeExternalError = (message: string): string =>
    message.replace(/External error id#(\d+)/g, (whole, id: string) => {
      const record = factory.errorRegistry.consumeError(Number(id));
      const cause = record?.error;
      if (cause instanceof Error) return cause.message;
      return cause === undefined ? whole : typeof cause === "string" ? cause : JSON.stringify(cause);
    });
  try {
    const engine = await glue.SchemaEngine.new(
      { datamodels: datamodels.length > 0 ? datamodels : undefined },
      forwardWasmLog,
      factory,
    );
    return { engine, describeExternalError };
  } catch (error) {
    if (error instanceof Error) error.message = describeExternalError(error.message);
    throw error;
  }
}
