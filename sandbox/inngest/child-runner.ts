/**
 * Runs the runner as a separate process (`node --import tsx sandbox/inngest/main.ts`), so tests and the
 * burst benchmark can `kill -9` it like a crash. One process, no npx/tsx wrapper: the signal reaches the
 * runner itself.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import net from "node:net";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export interface TChildRunnerOptions {
  databaseUrl: string;
  port: number;
  appUrls?: string[];
  timeCompression?: number;
  maxInFlight?: number;
  logLevel?: string;
  /** Append the runner's output to this file (default: discarded). */
  logFile?: string;
}

export interface TChildRunner {
  url: string;
  process: ChildProcess;
  /**
   * Resolves when the runner answers /health, executes work (it leads the database) and has synced
   * its `appUrls`: an event sent before the sync would match no function and start nothing.
   */
  ready(timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  /** The last 64 KB the runner printed. */
  output(): string;
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function spawnRunner(options: TChildRunnerOptions): TChildRunner {
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: "test",
    RUNNER_HOST: "127.0.0.1",
    RUNNER_PORT: String(options.port),
    RUNNER_DATABASE_URL: options.databaseUrl,
    RUNNER_APP_URLS: (options.appUrls ?? []).join(","),
    RUNNER_TIME_COMPRESSION: String(options.timeCompression ?? 1),
    RUNNER_MAX_IN_FLIGHT: String(options.maxInFlight ?? 32),
    RUNNER_LOG_LEVEL: options.logLevel ?? "warn",
  };
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "sandbox/inngest/main.ts")], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let recent = "";
  const keep = (chunk: Buffer) => {
    recent = (recent + chunk.toString("utf8")).slice(-65_536);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  if (options.logFile) {
    const log = createWriteStream(options.logFile, { flags: "a" });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${options.port}`;
  return {
    url,
    process: child,
    ready: async (timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (child.exitCode !== null)
          throw new Error(
            `runner exited with code ${child.exitCode} before it was ready; its last output:\n${recent.slice(-4_000)}`,
          );
        try {
          const res = await fetch(`${url}/health`);
          const health = res.ok ? ((await res.json()) as { executing?: boolean; synced?: boolean }) : {};
          if (health.executing && health.synced !== false) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`runner at ${url} not ready after ${timeoutMs} ms`);
    },
    kill: async (signal = "SIGKILL") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    exited,
    output: () => recent,
  };
}
