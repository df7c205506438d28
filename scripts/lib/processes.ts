/** Child processes and shutdown for the dev entry points (demo, start, e2e server). */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export function nextBin(root: string): string {
  return path.join(root, "node_modules", "next", "dist", "bin", "next");
}

/** Runs a command to completion, inheriting stdio; rejects with its exit code. */
export function runToEnd(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0
        ? resolve()
        : reject(
            new Error(`${path.basename(args[0] ?? cmd)} ${args[1] ?? ""} exited with ${code ?? signal}`),
          ),
    );
  });
}

export function startChild(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): ChildProcess {
  return spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: "inherit" });
}

/** Stops a child with SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Polls `url` until it answers (any status below 500) or the time runs out. */
export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no answer";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return;
      lastError = `status ${res.status}`;
    } catch (e) {
      lastError = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s (${lastError})`);
}

/** Runs every registered cleanup once on Ctrl-C, SIGTERM or a fatal error, newest first. */
export function createShutdown(log: (line: string) => void) {
  const tasks: (() => Promise<void>)[] = [];
  let running = false;
  const run = async (code: number) => {
    if (running) return;
    running = true;
    log("Stopping…");
    for (const task of tasks.reverse()) {
      await task().catch((e: unknown) => log(`cleanup failed: ${(e as Error).message}`));
    }
    process.exit(code);
  };
  process.on("SIGINT", () => void run(0));
  process.on("SIGTERM", () => void run(0));
  return { add: (task: () => Promise<void>) => tasks.push(task), exit: run };
}
