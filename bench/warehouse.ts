/**
 * `npm run bench -- warehouse`: HubSpot → warehouse ingest (full and incremental), view page
 * queries and the funnel, on a fresh migrated database. The work runs in a child process
 * (bench/warehouse-worker.ts) so the app's configuration comes through the environment as in
 * production. Sizes and rate: BENCH_WH_CONTACTS / _COMPANIES / _DEALS / _PEOPLE / _RATE
 * (defaults 100,000 / 20,000 / 50,000 / 100,000 / 15 per second).
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

export async function run(): Promise<Record<string, unknown>> {
  const env = parseEnv(ZBenchEnv);
  const db = await createScratchDatabase(env.BENCH_POSTGRES_ADMIN_URL, "bench_warehouse");
  const databaseUrl = db.url;
  try {
    await migrateDeploy(databaseUrl, { quiet: true });
    const port = await findFreePort();
    return await runWorker({
      DATABASE_URL: databaseUrl,
      NEXTAUTH_SECRET: "bench-warehouse-secret-".padEnd(40, "x"),
      HUBSPOT_API_BASE: `http://127.0.0.1:${port}`,
      HUBSPOT_ACCESS_TOKEN: "pat-na1-bench0000-0000-0000-0000-000000000000",
      BENCH_WH_PORT: String(port),
    });
  } finally {
    await db.drop().catch(() => undefined);
  }
}
