/**
 * `npm run bench -- warehouse`: HubSpot → warehouse ingest (full and incremental), view page
 * queries and the funnel, on a fresh migrated database. The work runs in a child process
 * (bench/warehouse-worker.ts) so the app's configuration comes through the environment as in
 * production. Sizes and rate: BENCH_WH_CONTACTS / _COMPANIES / _DEALS / _PEOPLE / _RATE
 * (defaults 100,000 / 20,000 / 50,000 / 100,000 / 15 per second). To iterate on the queries:
 * BENCH_WH_KEEP_DB=1 keeps the database, then BENCH_WH_DB=<name> migrates it and re-runs only the
 * view and funnel queries against it.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { z } from "zod";
import { createScratchDatabase } from "@/bench/lib/scratch-db";
import { childProcessEnv, parseEnv } from "@/lib/env";
import { findFreePort } from "@/sandbox/inngest/child-runner";
import { migrateDeploy } from "@/scripts/lib/migrate";

const ZBenchEnv = z.object({
  BENCH_POSTGRES_ADMIN_URL: z.string().default("postgresql://postgres@127.0.0.1:5432/postgres"),
  /** Keep the scratch database at the end (its name is printed) to re-run the queries against it. */
  BENCH_WH_KEEP_DB: z.enum(["0", "1"]).default("0"),
  /** A kept database: migrate it and run only the view and funnel queries (no seed, no ingest). */
  BENCH_WH_DB: z
    .string()
    .regex(/^bench_warehouse_[0-9a-f]+$/)
    .optional(),
});

const root = path.resolve(import.meta.dirname, "..");

function runWorker(env: Record<string, string>): Promise<Record<string, unknown>> {
  const child = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join(root, "bench/warehouse-worker.ts")],
    { cwd: root, env: childProcessEnv(env), stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-50_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return new Promise((resolve, reject) => {
    child.on("exit", (code) => {
      const line = output.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
      if (code === 0 && line)
        resolve(JSON.parse(line.slice("BENCH_RESULT ".length)) as Record<string, unknown>);
      else reject(new Error(`warehouse worker exited ${code}:\n${output.slice(-4000)}`));
    });
  });
}

function keptDatabase(adminUrl: string, name: string) {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return { name, url: u.toString(), drop: () => Promise.resolve() };
}

export async function run(): Promise<Record<string, unknown>> {
  const env = parseEnv(ZBenchEnv);
  const db = env.BENCH_WH_DB
    ? keptDatabase(env.BENCH_POSTGRES_ADMIN_URL, env.BENCH_WH_DB)
    : await createScratchDatabase(env.BENCH_POSTGRES_ADMIN_URL, "bench_warehouse");
  const databaseUrl = db.url;
  const keep = env.BENCH_WH_KEEP_DB === "1" || env.BENCH_WH_DB !== undefined;
  try {
    await migrateDeploy(databaseUrl, { quiet: true });
    const port = await findFreePort();
    return await runWorker({
      DATABASE_URL: databaseUrl,
      NEXTAUTH_SECRET: "bench-warehouse-secret-".padEnd(40, "x"),
      HUBSPOT_API_BASE: `http://127.0.0.1:${port}`,
      HUBSPOT_ACCESS_TOKEN: "pat-na1-bench0000-0000-0000-0000-000000000000",
      BENCH_WH_PORT: String(port),
      BENCH_WH_QUERIES_ONLY: env.BENCH_WH_DB ? "1" : "0",
    });
  } finally {
    if (keep) process.stdout.write(`kept database ${db.name} (BENCH_WH_DB=${db.name} re-runs the queries)\n`);
    else await db.drop().catch(() => undefined);
  }
}
