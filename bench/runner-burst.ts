/**
 * Burst into a `batchEvents` function, with a crash in the middle.
 *
 * A fresh database; the local Inngest runner as a child process; an app whose batch function
 * (maxSize 100) records each event id in a table with a unique constraint. 10,000 events are sent in
 * chunks by concurrent senders; halfway through, the runner is killed with SIGKILL and restarted.
 * Senders retry until accepted (event ids make resends safe). Then we check: every event processed
 * exactly once, no event in two runs, no completed step executed again.
 *
 *   npx tsx bench/runner-burst.ts          (or: npm run bench -- runner-burst)
 */
import { tmpdir } from "node:os";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Inngest } from "inngest";
import { createServer } from "inngest/node";
import pg from "pg";
import { z } from "zod";
import { createScratchDatabase } from "@/bench/lib/scratch-db";
import { waitUntil } from "@/bench/lib/wait";
import { parseEnv } from "@/lib/env";
import { findFreePort, spawnRunner, type TChildRunner } from "@/sandbox/inngest/child-runner";

const ZBenchEnv = z.object({
  BENCH_POSTGRES_ADMIN_URL: z.string().default("postgresql://postgres@127.0.0.1:5432/postgres"),
  BENCH_BURST_EVENTS: z.coerce.number().int().min(100).default(10_000),
  BENCH_BURST_CHUNK: z.coerce.number().int().min(1).max(1000).default(50),
  BENCH_BURST_SENDERS: z.coerce.number().int().min(1).max(64).default(8),
});

const FUNCTION_ID = "burst-record-batch";

export async function run(): Promise<Record<string, unknown>> {
  const env = parseEnv(ZBenchEnv);
  const db = await createScratchDatabase(env.BENCH_POSTGRES_ADMIN_URL, "bench_runner");
  const databaseUrl = db.url;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
  // Dropping the database at the end closes idle connections; that must not crash the benchmark.
  pool.on("error", () => undefined);
  let runner: TChildRunner | undefined;
  let app: ReturnType<typeof createServer> | undefined;
  try {
    await pool.query(`
      CREATE TABLE burst_processed (event_id text PRIMARY KEY, run_id text NOT NULL, processed_at timestamptz NOT NULL DEFAULT clock_timestamp());
      CREATE TABLE burst_executions (run_id text NOT NULL, attempt int NOT NULL, events int NOT NULL, inserted int NOT NULL,
        foreign_conflicts int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());`);

    const port = await findFreePort();
    const runnerUrl = `http://127.0.0.1:${port}`;
    const inngest = new Inngest({
      id: "burst",
      baseUrl: runnerUrl,
      isDev: true,
      logger: {
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
        debug: () => undefined,
      },
    });
    const fn = inngest.createFunction(
      {
        id: "record-batch",
        batchEvents: { maxSize: 100, timeout: "1s" },
        triggers: [{ event: "bench/burst" }],
      },
      async ({ events, step, runId, attempt }) =>
        step.run("record", async () => {
          const ids = events.map((e) => String(e.id));
          const res = await pool.query<{ run_id: string; fresh: boolean }>(
            `INSERT INTO burst_processed (event_id, run_id) SELECT unnest($1::text[]), $2
             ON CONFLICT (event_id) DO UPDATE SET event_id = EXCLUDED.event_id RETURNING run_id, (xmax = 0) AS fresh`,
            [ids, runId],
          );
          const inserted = res.rows.filter((r) => r.fresh).length;
          const foreign = res.rows.filter((r) => !r.fresh && r.run_id !== runId).length;
          await pool.query(
            "INSERT INTO burst_executions (run_id, attempt, events, inserted, foreign_conflicts) VALUES ($1, $2, $3, $4, $5)",
            [runId, attempt, ids.length, inserted, foreign],
          );
          return { inserted };
        }),
    );
    app = createServer({ client: inngest, functions: [fn] });
    await new Promise<void>((resolve) => app?.listen(0, "127.0.0.1", () => resolve()));
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`;
    const logFile = path.join(tmpdir(), `runner-burst-${db.name}.log`);
    const startRunnerProcess = async () => {
      runner = spawnRunner({ databaseUrl, port, appUrls: [appUrl], logLevel: "warn", logFile });
      await runner.ready();
    };
    await startRunnerProcess();
    await waitUntil(
      async () => {
        const res = await fetch(`${runnerUrl}/v1/functions`).catch(() => undefined);
        return ((await res?.json()) as { data?: unknown[] } | undefined)?.data?.length === 1;
      },
      30_000,
      "the app to sync",
    );

    const total = env.BENCH_BURST_EVENTS;
    const chunks: Array<Array<{ id: string; name: string; data: { i: number } }>> = [];
    for (let i = 0; i < total; i += env.BENCH_BURST_CHUNK) {
      chunks.push(
        Array.from({ length: Math.min(env.BENCH_BURST_CHUNK, total - i) }, (_, k) => ({
          id: `burst-${i + k}`,
          name: "bench/burst",
          data: { i: i + k },
        })),
      );
    }
    let acked = 0;
    let resends = 0;
    let killAt: number | undefined;
    let restartedAt: number | undefined;
    let restart: Promise<void> | undefined;
    const started = Date.now();
    let next = 0;
    const sender = async () => {
      for (;;) {
        const chunk = chunks[next++];
        if (!chunk) return;
        for (;;) {
          try {
            const res = await fetch(`${runnerUrl}/e/bench`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(chunk),
            });
            if (res.ok) break;
          } catch {
            // runner down: resend the same ids once it is back
          }
          resends++;
          await new Promise((r) => setTimeout(r, 100));
        }
        acked += chunk.length;
        if (killAt === undefined && acked >= total / 2) {
          killAt = Date.now();
          restart = (async () => {
            await runner?.kill("SIGKILL");
            await startRunnerProcess();
            restartedAt = Date.now();
          })();
        }
      }
    };
    await Promise.all(Array.from({ length: env.BENCH_BURST_SENDERS }, () => sender()));
    const sentAt = Date.now();
    await restart;
    await waitUntil(
      async () => {
        const res = await pool.query<{ n: string }>("SELECT count(*) AS n FROM burst_processed");
        return Number(res.rows[0]?.n) >= total;
      },
      180_000,
      "every event to be processed",
    );
    const processedAt = Date.now();
    await waitUntil(
      async () => {
        const res = await pool.query<{ n: string }>(
          "SELECT count(*) AS n FROM inngest_runner.runs WHERE status IN ('queued', 'running')",
        );
        return Number(res.rows[0]?.n) === 0;
      },
      60_000,
      "every run to finish",
    );

    const q = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
    const processed = await q("SELECT count(*) AS n FROM burst_processed");
    const runs = await q(
      `SELECT count(*) AS n FROM inngest_runner.runs WHERE function_id = '${FUNCTION_ID}'`,
    );
    const eventsInTwoRuns =
      await q(`SELECT count(*) AS n FROM (SELECT e->>'id' AS id FROM inngest_runner.runs, jsonb_array_elements(events) e
       WHERE function_id = '${FUNCTION_ID}' GROUP BY 1 HAVING count(*) > 1) d`);
    const foreignConflicts = await q("SELECT coalesce(sum(foreign_conflicts), 0) AS n FROM burst_executions");
    const executions = await q("SELECT count(*) AS n FROM burst_executions");
    const repeatedCompletedSteps =
      await q(`SELECT count(*) AS n FROM (SELECT run_id, step_id FROM inngest_runner.attempts
       WHERE outcome = 'StepRun' GROUP BY 1, 2 HAVING count(*) > 1) r`);
    const failedRuns = await q("SELECT count(*) AS n FROM inngest_runner.runs WHERE status <> 'completed'");
    const duplicateEventRows = await q(
      "SELECT count(*) - count(DISTINCT id) AS n FROM inngest_runner.events WHERE NOT duplicate",
    );

    const figures = {
      scenario: "runner-burst",
      events: total,
      chunkSize: env.BENCH_BURST_CHUNK,
      senders: env.BENCH_BURST_SENDERS,
      sendSeconds: (sentAt - started) / 1000,
      ingestEventsPerSecond: Math.round(total / ((sentAt - started) / 1000)),
      totalSeconds: (processedAt - started) / 1000,
      endToEndEventsPerSecond: Math.round(total / ((processedAt - started) / 1000)),
      killedAfterAckedEvents: Math.round(total / 2),
      restartSeconds: killAt && restartedAt ? (restartedAt - killAt) / 1000 : null,
      resentChunks: resends,
      runs,
      averageBatchSize: runs ? Math.round((processed / runs) * 10) / 10 : 0,
      stepExecutions: executions,
      stepReExecutionsAfterCrash: executions - runs,
      processed,
      losses: total - processed,
      duplicates: eventsInTwoRuns + foreignConflicts + duplicateEventRows,
      repeatedCompletedSteps,
      failedRuns,
      runnerLog: logFile,
      ok:
        processed === total &&
        eventsInTwoRuns + foreignConflicts + duplicateEventRows === 0 &&
        repeatedCompletedSteps === 0 &&
        failedRuns === 0,
    };
    return figures;
  } finally {
    await runner?.kill("SIGKILL");
    if (app) {
      app.closeAllConnections();
      await new Promise<void>((resolve) => app?.close(() => resolve()));
    }
    await pool.end();
    await db.drop();
  }
}

// Standalone: print the figures; `npm run bench -- runner-burst` (bench/run.ts) also saves them.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run()
    .then((figures) => {
      process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
      process.exit(figures.ok ? 0 : 1);
    })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
}
