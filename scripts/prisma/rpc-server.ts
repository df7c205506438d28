/**
 * JSON-RPC 2.0 over stdio, newline-delimited, as the native schema engine serves it to the Prisma CLI.
 * Requests are handled one at a time in arrival order (the CLI waits for each answer anyway); lines without
 * a `method` are the CLI's answers to our own `print` requests.
 */
import readline from "node:readline";
import { z } from "zod";
import { dropOpenShadowDatabases } from "./driver-adapter";
import { type TDatasourceArg } from "./engine-args";
import { writeEngineLog } from "./engine-log";
import { EngineUserError, checkConnection, withDatabase } from "./pg-admin";
import { RPC_METHODS, type TEngineSession, requireUrl } from "./rpc-methods";
import { type TWasmEngineHandle, createWasmEngine, readWasmPanicMessage } from "./wasm-engine";

const ZIncoming = z.object({
  jsonrpc: z.literal("2.0").optional(),
  id: z.union([z.number(), z.string(), z.null()]).optional(),
  method: z.string().optional(),
  params: z.unknown().optional(),
  result: z.unknown().optional(),
  error: z.unknown().optional(),
});

/** The native engine's JSON-RPC error: fixed code/message, the user-facing error in `data`. */
export interface TRpcErrorData {
  is_panic: boolean;
  message: string;
  error_code?: string;
  meta?: unknown;
  /** Read by the CLI (instead of the generic top-level message) when it reports a panic. */
  error?: { message: string };
}

const SERVER_ERROR_CODE = 4466;
const SERVER_ERROR_MESSAGE = "An error happened. Check the data field for details.";

export class WasmPanicError extends Error {
  override name = "WasmPanicError";
}

function stringProp(value: unknown, key: string): string | undefined {
  if (value && typeof value === "object" && key in value) {
    const v = (value as Record<string, unknown>)[key];
    return typeof v === "string" ? v : undefined;
  }
  return undefined;
}

/** Turns whatever a handler threw into the `data` of a JSON-RPC error, the way the native engine shapes it. */
export function toRpcErrorData(error: unknown, handle?: TWasmEngineHandle): TRpcErrorData {
  if (error instanceof WebAssembly.RuntimeError || error instanceof WasmPanicError) {
    const message = readWasmPanicMessage() || error.message;
    return { is_panic: true, message, error: { message } };
  }
  if (error instanceof EngineUserError) {
    return { is_panic: false, message: error.message, error_code: error.errorCode, meta: error.meta };
  }
  const message = error instanceof Error ? error.message : String(error);
  // Adapter failures reach us as "External error id#N"; the original error (maybe one of ours) is parked.
  const external =
    /External error id#\d+/.test(message) && handle ? handle.describeExternalError(message) : message;
  const code = stringProp(error, "code");
  if (code && /^P\d{4}$/.test(code)) {
    const meta = error && typeof error === "object" && "meta" in error ? error.meta : undefined;
    return { is_panic: false, message: external, error_code: code, meta };
  }
  return { is_panic: false, message: external };
}

interface TRpcServerOptions {
  datasource: TDatasourceArg;
  datamodels: Array<[path: string, content: string]>;
}

/** Serves until stdin closes, then releases connections and drops any shadow database left open. */
export async function serveJsonRpc({ datasource, datamodels }: TRpcServerOptions): Promise<void> {
  const engines = new Map<string, Promise<TWasmEngineHandle>>();
  const pendingPrints = new Map<number, () => void>();
  let nextPrintId = 1;
  let lastHandle: TWasmEngineHandle | undefined;

  const send = (message: unknown): void => {
    process.stdout.write(`${JSON.stringify(message)}\n`);
  };

  const session: TEngineSession = {
    datasource,
    async engineFor(url, options = {}) {
      let target = requireUrl(session, url);
      try {
        // pg reports a missing database or bad credentials with the native P10xx codes; the wasm engine
        // would only say "External error".
        await checkConnection(target);
      } catch (error) {
        if (!(options.databaseOptional && error instanceof EngineUserError && error.errorCode === "P1003"))
          throw error;
        // The engine reads nothing but the server version from its main connection for such requests, and
        // creates any shadow database beside it: the server's maintenance database serves.
        target = withDatabase(target, "postgres");
      }
      let engine = engines.get(target);
      if (!engine) {
        const shadowDatabaseUrl = target === datasource.url ? datasource.shadowDatabaseUrl : undefined;
        engine = createWasmEngine({ url: target, shadowDatabaseUrl }, datamodels);
        engine.catch(() => engines.delete(target));
        engines.set(target, engine);
      }
      lastHandle = await engine;
      return lastHandle;
    },
    print(content) {
      const id = nextPrintId++;
      return new Promise<void>((resolve) => {
        pendingPrints.set(id, resolve);
        send({ jsonrpc: "2.0", id, method: "print", params: { content } });
      });
    },
  };

  const handleRequest = async (
    id: string | number | null,
    method: string,
    params: unknown,
  ): Promise<void> => {
    const handler = Object.hasOwn(RPC_METHODS, method) ? RPC_METHODS[method] : undefined;
    if (!handler) {
      send({ jsonrpc: "2.0", id, error: { code: -32601, message: `Method not found: ${method}` } });
      return;
    }
    const started = performance.now();
    try {
      const result = await handler(params, session);
      writeEngineLog("DEBUG", "rpc ok", { method, ms: Math.round(performance.now() - started) });
      send({ jsonrpc: "2.0", id, result });
    } catch (error) {
      const data = toRpcErrorData(error, lastHandle);
      writeEngineLog("ERROR", data.message, {
        method,
        error_code: data.error_code ?? "",
        is_panic: data.is_panic,
      });
      send({ jsonrpc: "2.0", id, error: { code: SERVER_ERROR_CODE, message: SERVER_ERROR_MESSAGE, data } });
      // A panicked wasm instance is not safe to reuse; the native engine exits with 101 too.
      if (data.is_panic) {
        await dropOpenShadowDatabases();
        process.exit(101);
      }
    }
  };

  let queue = Promise.resolve();
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on("line", (line) => {
    if (!line.trim()) return;
    let message: z.infer<typeof ZIncoming>;
    try {
      message = ZIncoming.parse(JSON.parse(line));
    } catch {
      send({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
      return;
    }
    if (message.method === undefined) {
      if (typeof message.id === "number") pendingPrints.get(message.id)?.();
      if (typeof message.id === "number") pendingPrints.delete(message.id);
      return;
    }
    const { id = null, method, params } = message;
    queue = queue.then(() => handleRequest(id, method, params));
  });

  await new Promise<void>((resolve) => lines.once("close", resolve));
  await queue;
  await dropOpenShadowDatabases();
}
