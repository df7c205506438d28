/**
 * The project's `prisma` command: runs the installed Prisma CLI with the same arguments and, on machines
 * that cannot download Prisma's schema-engine binary, points it at our WebAssembly-backed bridge.
 *
 *   npx tsx scripts/prisma/cli.ts migrate deploy
 *   PRISMA_OFFLINE=1 npx tsx scripts/prisma/cli.ts migrate dev --create-only --name add_x
 *
 * Other scripts import `runPrisma` (e.g. to apply migrations to a test database).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { childProcessEnv, ConfigError, parseEnv } from "../../lib/env";
import { ZPrismaCliEnv } from "./config";
import { type TOfflineDecision, resolveOfflineMode } from "./offline-mode";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const PRISMA_CLI = path.join(ROOT, "node_modules", "prisma", "build", "index.js");
/** The launcher the Prisma CLI executes in place of its native binary. */
export const SCHEMA_ENGINE_BRIDGE = path.join(import.meta.dirname, "schema-engine");

export interface TRunPrismaOptions {
  /** Added to (or, with `undefined`, removed from) the inherited environment, e.g. `{ DATABASE_URL }`. */
  env?: Record<string, string | undefined>;
  /** `pipe` (default) captures output for the caller; `inherit` lets the user see and answer prompts. */
  stdio?: "inherit" | "pipe";
}

export interface TPrismaRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Whether the offline bridge served this run, and why. */
  mode: TOfflineDecision;
  ms: number;
}

/** The environment the Prisma CLI gets: ours, the caller's overrides, and the bridge when offline. */
export async function buildPrismaEnv(overrides: Record<string, string | undefined> = {}): Promise<{
  env: NodeJS.ProcessEnv;
  mode: TOfflineDecision;
}> {
  const base = childProcessEnv(overrides);
  const mode = await resolveOfflineMode(parseEnv(ZPrismaCliEnv, base), ROOT);
  if (!mode.offline) return { env: base, mode };
  return {
    env: {
      ...base,
      PRISMA_SCHEMA_ENGINE_BINARY: SCHEMA_ENGINE_BRIDGE,
      // The launcher runs the bridge with this Node rather than whatever `node` is first on PATH.
      PRISMA_OFFLINE_NODE: process.execPath,
      // The update check calls checkpoint.prisma.io; offline it can only fail or stall.
      CHECKPOINT_DISABLE: "1",
    },
    mode,
  };
}

/** Runs `prisma <args>` from the project root; resolves with the exit code (never throws on a failing command). */
export async function runPrisma(
  args: readonly string[],
  options: TRunPrismaOptions = {},
): Promise<TPrismaRunResult> {
  const { env, mode } = await buildPrismaEnv(options.env);
  const stdio = options.stdio ?? "pipe";
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PRISMA_CLI, ...args], {
      cwd: ROOT,
      env,
      stdio: stdio === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    // Ctrl-C reaches the Prisma CLI directly (same process group); we only wait for its answer.
    const ignoreInterrupt = (): void => undefined;
    if (stdio === "inherit") process.on("SIGINT", ignoreInterrupt);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      process.off("SIGINT", ignoreInterrupt);
      const exitCode = code ?? (signal === "SIGINT" ? 130 : 1);
      resolve({ exitCode, stdout, stderr, mode, ms: Math.round(performance.now() - started) });
    });
  });
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  return script !== undefined && path.resolve(script) === fileURLToPath(import.meta.url);
}

if (isEntryPoint()) {
  runPrisma(process.argv.slice(2), { stdio: "inherit" }).then(
    (result) => process.exit(result.exitCode),
    (error: unknown) => {
      process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
