/**
 * Log lines in the native schema engine's format (one JSON object per line on stderr).
 * The Prisma CLI parses that stream: it keeps every `fields.message` to explain a crash and, for the
 * `cli ...` subcommands, reads `fields.error_code` from the ERROR line with target `schema_engine::logger`.
 * stdout is never used here: it carries JSON-RPC.
 */
export type TEngineLogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR";

const RANK: Record<string, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, off: 5 };

let threshold = RANK.info ?? 2;

/** Set once from RUST_LOG by the entry point. */
export function setEngineLogLevel(level: string): void {
  threshold = RANK[level.toLowerCase()] ?? threshold;
}

function isEnabled(level: string): boolean {
  return (RANK[level.toLowerCase()] ?? RANK.info ?? 2) >= threshold;
}

export function writeEngineLog(
  level: TEngineLogLevel,
  message: string,
  fields: Record<string, unknown> = {},
  target = "schema_engine_bridge",
): void {
  if (!isEnabled(level)) return;
  const line = { timestamp: new Date().toISOString(), level, fields: { message, ...fields }, target };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

/**
 * Forwards a log line produced by the WebAssembly engine. It already speaks the native format, so it is
 * passed through unchanged when its level is enabled; anything unparseable is wrapped as a DEBUG line.
 */
export function forwardWasmLog(raw: string): void {
  let level = "DEBUG";
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed && typeof parsed === "object" && "level" in parsed && typeof parsed.level === "string") {
      level = parsed.level;
    } else {
      writeEngineLog("DEBUG", raw);
      return;
    }
  } catch {
    writeEngineLog("DEBUG", raw);
    return;
  }
  if (isEnabled(level)) process.stderr.write(`${raw}\n`);
}

/**
 * First stderr line of a `cli ...` subcommand. The CLI drops the first line before parsing the rest as JSON
 * (the native engine always starts with such a line), so it is written whatever the log level.
 */
export function writeCliStartLine(version: string): void {
  const line = {
    timestamp: new Date().toISOString(),
    level: "INFO",
    fields: { message: "Starting schema engine CLI", git_hash: version },
    target: "schema_engine_bridge",
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

/**
 * The line the CLI looks for when a `cli ...` subcommand fails (see `canConnectToDatabase` in the CLI):
 * level ERROR, target `schema_engine::logger`, with `error_code` and `message`.
 */
export function writeCliError(errorCode: string, message: string): void {
  const line = {
    timestamp: new Date().toISOString(),
    level: "ERROR",
    fields: { is_panic: false, error_code: errorCode, message },
    target: "schema_engine::logger",
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}
