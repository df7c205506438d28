/**
 * The app as a child process, for scenarios that run the real webhook intake and Inngest functions
 * outside `next start`: the parent spawns the scenario file again with `--app` (so the app's
 * configuration comes through the environment, read by lib/env.ts as in production), and the child
 * serves `/api/inngest` plus the HubSpot/Stripe webhook intake (lib/inbox/receive.ts) on
 * BENCH_APP_PORT, printing `app-ready` once listening.
 *
 * Unlike bench/lib/webhook-server.ts (in-process, for tests), this runs inside the child, so its app
 * modules are imported dynamically, after the child's environment is in place.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import path from "node:path";
import type { serve as TServe } from "inngest/node";
import { z } from "zod";
import { childProcessEnv, parseEnv } from "@/lib/env";
import { findFreePort, spawnRunner, type TChildRunner } from "@/sandbox/inngest/child-runner";

const ZAppChildEnv = z.object({
  BENCH_APP_PORT: z.coerce.number().int(),
  /** Where to write a CPU profile of the app child (open in Chrome DevTools), e.g. /tmp/app.cpuprofile. */
  BENCH_APP_CPU_PROFILE: z.string().optional(),
  /** How long to profile from `app-ready` (the child is killed at the end, so it cannot profile to exit). */
  BENCH_APP_CPU_PROFILE_S: z.coerce.number().positive().default(60),
  /** Where to append, every 2 s, the app child's event-loop delay, open connections and pool queue. */
  BENCH_APP_MONITOR: z.string().optional(),
});

/** Diagnosis of a run that stalls: is the event loop blocked, the pool queued, the server flooded? */
async function monitor(file: string, server: Server): Promise<void> {
  const { monitorEventLoopDelay } = await import("node:perf_hooks");
  const { appendFile } = await import("node:fs/promises");
  const { dbPool } = await import("@/lib/db");
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  // Statements by their first words, to see which ones a burst sends most (written at exit).
  const pg = (await import("pg")).default;
  const statements = new Map<string, number>();
  // eslint-disable-next-line @typescript-eslint/unbound-method -- re-applied with the client as `this`
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = (typeof first === "string" ? first : (first?.text ?? "?")).replace(/\s+/g, " ");
    const key = text.slice(0, 90);
    statements.set(key, (statements.get(key) ?? 0) + 1);
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
  setInterval(() => {
    const top = [...statements].sort((a, b) => b[1] - a[1]).slice(0, 40);
    void appendFile(
      `${file}.statements`,
      `${new Date().toISOString()}\n${top.map(([k, n]) => `${n}\t${k}`).join("\n")}\n`,
    );
  }, 20_000).unref();
  setInterval(() => {
    server.getConnections((_, connections) => {
      const pool = dbPool();
      const ms = (ns: number) => Math.round(ns / 1e6);
      const line = [
        new Date().toISOString().slice(11, 19),
        `loop p50 ${ms(delay.percentile(50))} p99 ${ms(delay.percentile(99))} max ${ms(delay.max)} ms`,
        `connections ${connections}`,
        `pool ${pool.totalCount} total ${pool.idleCount} idle ${pool.waitingCount} waiting`,
      ].join(" | ");
      delay.reset();
      void appendFile(file, `${line}\n`);
    });
  }, 2000).unref();
}

/** Profiles the app child's CPU for `seconds`, then writes the profile to `file`. */
async function profileCpu(file: string, seconds: number): Promise<void> {
  const { Session } = await import("node:inspector/promises");
  const { writeFile } = await import("node:fs/promises");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  setTimeout(() => {
    void (async () => {
      const { profile } = await session.post("Profiler.stop");
      await writeFile(file, JSON.stringify(profile));
      process.stdout.write(`cpu profile written to ${file}\n`);
    })();
  }, seconds * 1000).unref();
}
const root = path.resolve(import.meta.dirname, "../..");

type TFunctions = Parameters<typeof TServe>[0]["functions"];

/**
 * In the child: serves the given functions and the webhook intake — URLs containing `stripe` go to
 * receiveStripeWebhook, everything else to receiveHubspotWebhook.
 */
export async function serveAppChild(loadFunctions: () => Promise<TFunctions>): Promise<void> {
  const { BENCH_APP_PORT, BENCH_APP_CPU_PROFILE, BENCH_APP_CPU_PROFILE_S, BENCH_APP_MONITOR } =
    parseEnv(ZAppChildEnv);
  const { serve } = await import("inngest/node");
  const { inngest } = await import("@/inngest/client");
  const functions = await loadFunctions();
  const { receiveHubspotWebhook, receiveStripeWebhook } = await import("@/lib/inbox/receive");
  const { AppError } = await import("@/lib/errors");
  const { setLogLevel } = await import("@/lib/logger");
  setLogLevel("warn");
  const inngestHandler = serve({ client: inngest, functions });
  const server = createServer((req, res) => {
    if (req.url?.startsWith("/api/inngest")) return void inngestHandler(req, res);
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const request = new Request(`http://${req.headers.host}${req.url}`, {
        method: "POST",
        headers,
        body: new Uint8Array(Buffer.concat(chunks)),
      });
      let status = 200;
      let body: unknown;
      try {
        body = req.url?.includes("stripe")
          ? await receiveStripeWebhook(request)
          : await receiveHubspotWebhook(request);
      } catch (error) {
        status = error instanceof AppError ? error.status : 500;
        body = { error: error instanceof Error ? error.message : "internal" };
      }
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(BENCH_APP_PORT, "127.0.0.1", () => resolve()));
  if (BENCH_APP_CPU_PROFILE) await profileCpu(BENCH_APP_CPU_PROFILE, BENCH_APP_CPU_PROFILE_S);
  if (BENCH_APP_MONITOR) await monitor(BENCH_APP_MONITOR, server);
  process.stdout.write("app-ready\n");
}

/**
 * In the parent: runs `<scenario> --app` (path relative to the repo root) with `env`; `ready`
 * resolves on `app-ready` and rejects if the child exits first.
 */
export function startAppChild(
  scenario: string,
  env: Record<string, string>,
): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  const child = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join(root, scenario), "--app"],
    { cwd: root, env: childProcessEnv(env), stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-20_000);
      if (output.includes("app-ready")) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`app exited (${code}): ${output.slice(-2000)}`)));
  });
  return { child, ready, output: () => output };
}

/**
 * The environment every scenario gives the app child: production mode, the scratch database, the
 * runner as Inngest, a random NEXTAUTH_SECRET, log level warn, plus `env` for the providers.
 */
export function appChildEnv(opts: {
  databaseUrl: string;
  appPort: number;
  runnerUrl: string;
  env: Record<string, string>;
}): Record<string, string> {
  return {
    BENCH_APP_PORT: String(opts.appPort),
    NODE_ENV: "production",
    DATABASE_URL: opts.databaseUrl,
    NEXTAUTH_SECRET: randomBytes(24).toString("base64"),
    APP_URL: `http://127.0.0.1:${opts.appPort}`,
    INNGEST_DEV: opts.runnerUrl,
    INNGEST_BASE_URL: opts.runnerUrl,
    ...opts.env,
    LOG_LEVEL: "warn",
  };
}

export interface TLaunchedApp {
  runner: TChildRunner;
  app: ChildProcess;
  /** Resolves once the app has printed `app-ready` and the runner answers. */
  ready(): Promise<void>;
}

/**
 * In the parent: spawns the local Inngest runner (pointed at the app's `/api/inngest`) and the app
 * child with the environment every scenario gives it (production mode, the scratch database, the
 * runner as Inngest, a random NEXTAUTH_SECRET, log level warn) plus `env` for the providers.
 * Returns as soon as both are spawned so the caller can kill them in its `finally`.
 */
export async function launchAppWithRunner(opts: {
  scenario: string;
  databaseUrl: string;
  appPort: number;
  env: Record<string, string>;
}): Promise<TLaunchedApp> {
  const appUrl = `http://127.0.0.1:${opts.appPort}`;
  const runnerPort = await findFreePort();
  const runner = spawnRunner({
    databaseUrl: opts.databaseUrl,
    port: runnerPort,
    appUrls: [`${appUrl}/api/inngest`],
    logLevel: "warn",
  });
  const started = startAppChild(
    opts.scenario,
    appChildEnv({
      databaseUrl: opts.databaseUrl,
      appPort: opts.appPort,
      runnerUrl: runner.url,
      env: opts.env,
    }),
  );
  return {
    runner,
    app: started.child,
    ready: async () => {
      await started.ready;
      await runner.ready();
    },
  };
}
