/**
 * One-line structured logs with ids (run, function, event), never payloads or secrets:
 * `2025-01-01T00:00:00.000Z warn  runner run.retry run=01J… fn=app-sync attempt=2 error="…"`.
 */
export type TLogLevel = "debug" | "info" | "warn" | "error" | "silent";
export type TLogFields = Record<string, string | number | boolean | null | undefined>;

export interface TLogger {
  debug(msg: string, fields?: TLogFields): void;
  info(msg: string, fields?: TLogFields): void;
  warn(msg: string, fields?: TLogFields): void;
  error(msg: string, fields?: TLogFields): void;
}

const RANK: Record<TLogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function formatValue(v: string | number | boolean | null): string {
  if (typeof v !== "string") return String(v);
  const short = v.length > 300 ? `${v.slice(0, 300)}…` : v;
  return /^[\w.:/@-]+$/.test(short) ? short : JSON.stringify(short);
}

export function createLogger(
  level: TLogLevel,
  write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): TLogger {
  const emit = (lvl: Exclude<TLogLevel, "silent">, msg: string, fields?: TLogFields) => {
    if (RANK[lvl] < RANK[level]) return;
    const parts = [new Date().toISOString(), lvl.padEnd(5), "runner", msg];
    for (const [k, v] of Object.entries(fields ?? {}))
      if (v !== undefined) parts.push(`${k}=${formatValue(v)}`);
    write(parts.join(" "));
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
  };
}

/** A short, single-line description of an unknown error value. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (typeof err === "object" && err !== null) {
    const o = err as { name?: unknown; message?: unknown; error?: unknown };
    const name = typeof o.name === "string" ? o.name : "Error";
    const message =
      typeof o.message === "string" ? o.message : typeof o.error === "string" ? o.error : JSON.stringify(err);
    return `${name}: ${message}`;
  }
  return String(err);
}
