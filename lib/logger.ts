/**
 * Structured JSON logs, one line per event, with ids — never whole payloads or secrets.
 * Fields whose names look secret are redacted as a second line of defence.
 */
type Level = "debug" | "info" | "warn" | "error";
type Fields = Record<string, unknown>;

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /secret|password|token|authorization|cookie|signature|api[_-]?key/i;

let minLevel: Level = "info";

/** Called once by entry points after configuration is read. */
export function setLogLevel(level: Level): void {
  minLevel = level;
}

function redact(fields: Fields): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (SECRET_KEY.test(k)) out[k] = "[redacted]";
    else if (v instanceof Error) out[k] = { name: v.name, message: v.message };
    else out[k] = v;
  }
  return out;
}

function write(level: Level, msg: string, fields: Fields): void {
  if (ORDER[level] < ORDER[minLevel]) return;
  const line = JSON.stringify({ ts: new Date().toISOString(), level, msg, ...redact(fields) });
  if (level === "error" || level === "warn") process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(bound: Fields): Logger;
}

export function createLogger(bound: Fields = {}): Logger {
  return {
    debug: (msg, f = {}) => write("debug", msg, { ...bound, ...f }),
    info: (msg, f = {}) => write("info", msg, { ...bound, ...f }),
    warn: (msg, f = {}) => write("warn", msg, { ...bound, ...f }),
    error: (msg, f = {}) => write("error", msg, { ...bound, ...f }),
    child: (more) => createLogger({ ...bound, ...more }),
  };
}

export const log = createLogger();
