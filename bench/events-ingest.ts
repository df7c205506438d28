/**
 * Sustained ingest through `POST /api/v1/events`.
 *
 * A fresh, migrated database; the local Inngest runner as a child process (so the hand-off after
 * each commit is the real `inngest.send`); the route's work (API key check, body limit, catalogue
 * validation, one INSERT … ON CONFLICT DO NOTHING RETURNING, hand-off — the same functions
 * app/api/v1/events/route.ts calls) served in-process by a plain node:http server — not `next start`, so the figure is the handler's own
 * cost without Next's router. The load comes from a worker thread (its own event loop, so client
 * work does not inflate server latency): BENCH_EVENTS_CLIENTS concurrent clients, each posting
 * batches of BENCH_EVENTS_BATCH events for BENCH_EVENTS_SECONDS. Afterwards every accepted event
 * id must be in the outbox exactly once, and every outbox row must have been answered `accepted`.
 *
 *   npm run bench -- events-ingest
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Worker } from "node:worker_threads";
import pg from "pg";
import { z } from "zod";
import { createScratchDatabase } from "@/bench/lib/scratch-db";
import { percentile } from "@/bench/lib/stats";
import { inngest } from "@/inngest/client";
import { createApiKey, verifyApiKey } from "@/lib/api-keys/keys";
import { errorResponse, json } from "@/lib/api/respond";
import { ingestEvents } from "@/lib/events/ingest";
import { disconnectDb, setDatabaseUrl } from "@/lib/db";
import { parseEnv } from "@/lib/env";
import { setLogLevel } from "@/lib/logger";
import { findFreePort, spawnRunner, type TChildRunner } from "@/sandbox/inngest/child-runner";
import { migrateDeploy } from "@/scripts/lib/migrate";

const ZBenchEnv = z.object({
  BENCH_POSTGRES_ADMIN_URL: z.string().default("postgresql://postgres@127.0.0.1:5432/postgres"),
  BENCH_EVENTS_SECONDS: z.coerce.number().min(1).max(600).default(20),
  BENCH_EVENTS_CLIENTS: z.coerce.number().int().min(1).max(256).default(4),
  BENCH_EVENTS_BATCH: z.coerce.number().int().min(1).max(100).default(100),
  /** `none` skips the Inngest hand-off (to see its share of the latency; the drain would send later). */
  BENCH_EVENTS_HANDOFF: z.enum(["inngest", "none"]).default("inngest"),
});

/** node:http → the route's Web Request/Response. */
function serve(handler: (req: Request) => Promise<Response>) {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const request = new Request(`http://127.0.0.1${req.url ?? "/"}`, {
        method: req.method,
        headers,
        body: req.method === "GET" ? undefined : Buffer.concat(chunks),
      });
      handler(request)
        .then(async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
          res.end(Buffer.from(await response.arrayBuffer()));
        })
        .catch((error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        });
    });
  });
}

// The load generator, plain JS in a worker thread. Event ids: `<run>-<client>-<n>`.
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { url, key, clients, batch, seconds, run } = workerData;
const latencies = [];
const accepted = [];
let errors = 0, requests = 0;
const deadline = Date.now() + seconds * 1000;
async function client(c) {
  let n = 0;
  while (Date.now() < deadline) {
    const events = [];
    for (let i = 0; i < batch; i++, n++) {
      events.push({ id: run + "-" + c + "-" + n, type: "user.signed_up", occurredAt: new Date().toISOString(),
        email: "bench" + c + "x" + n + "@example.com", properties: { firstName: "Bench", plan: "pro" } });
    }
    const t0 = performance.now();
    try {
      const res = await fetch(url, { method: "POST", headers: { authorization: "Bearer " + key, "content-type": "application/json" },
        body: JSON.stringify({ events }) });
      const body = await res.json();
      latencies.push(performance.now() - t0);
      requests++;
      if (res.status !== 202) { errors++; continue; }
      for (const r of body.results) if (r.status === "accepted") accepted.push(r.id);
    } catch { errors++; }
  }
}
const started = performance.now();
Promise.all(Array.from({ length: clients }, (_, c) => client(c))).then(() => {
  parentPort.postMessage({ latencies, accepted, errors, requests, seconds: (performance.now() - started) / 1000 });
});
`;

interface TLoadResult {
  latencies: number[];
  accepted: string[];
  errors: number;
  requests: number;
  seconds: number;
}

export async function run(): Promise<Record<string, unknown>> {
  const env = parseEnv(ZBenchEnv);
  setLogLevel("warn");
  const db = await createScratchDatabase(env.BENCH_POSTGRES_ADMIN_URL, "bench_events");
  const databaseUrl = db.url;
  let runner: TChildRunner | undefined;
  let server: ReturnType<typeof serve> | undefined;
  try {
    await migrateDeploy(databaseUrl, { quiet: true });
    setDatabaseUrl(databaseUrl);
    const port = await findFreePort();
    runner = spawnRunner({ databaseUrl, port, logLevel: "warn" });
    await runner.ready();
    inngest.setEnvVars({ INNGEST_DEV: runner.url, INNGEST_BASE_URL: runner.url });

    // apiKeyRoute (lib/api/route.ts) also imports the console's session module, which needs Next's
    // runtime; outside Next the same pieces are composed here: key + scope → ingest → JSON or error.
    // Like Next's after(): the hand-off runs once the answer is on its way; counted so the report
    // can say whether every hand-off reached the runner and how long the tail took.
    const pending = new Set<Promise<unknown>>();
    const handOffs = { ok: 0, failed: 0 };
    const defer = (task: () => Promise<unknown>) => {
      const p = task().then(
        (sent) => (sent === false ? handOffs.failed++ : handOffs.ok++),
        () => handOffs.failed++,
      );
      pending.add(p);
      void p.finally(() => pending.delete(p));
    };
    const send = env.BENCH_EVENTS_HANDOFF === "none" ? () => Promise.resolve() : undefined;
    const POST = async (request: Request): Promise<Response> => {
      try {
        const apiKey = await verifyApiKey(request, "events:write");
        const { status, body } = await ingestEvents(request, apiKey.id, { defer, ...(send ? { send } : {}) });
        return json(body, { status });
      } catch (error) {
        return errorResponse(error);
      }
    };
    const { key } = await createApiKey({ name: "bench", scopes: ["events:write"], createdById: null });
    server = serve((req) => POST(req));
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", () => resolve()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/events`;

    // Warm-up (JIT, pools, Prisma's first queries) is not measured.
    const warm = { url, key, clients: 2, batch: 10, seconds: 2, run: "warm" };
    await new Promise((resolve, reject) => {
      const w = new Worker(WORKER, { eval: true, workerData: warm });
      w.once("message", resolve);
      w.once("error", reject);
    });

    const load = await new Promise<TLoadResult>((resolve, reject) => {
      const w = new Worker(WORKER, {
        eval: true,
        workerData: {
          url,
          key,
          clients: env.BENCH_EVENTS_CLIENTS,
          batch: env.BENCH_EVENTS_BATCH,
          seconds: env.BENCH_EVENTS_SECONDS,
          run: "load",
        },
      });
      w.once("message", (m: TLoadResult) => resolve(m));
      w.once("error", reject);
    });

    const loadEnded = Date.now();
    await Promise.all([...pending]);
    const handOffTailMs = Date.now() - loadEnded;

    // Every accepted event reached the outbox, exactly once, and nothing else did.
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    pool.on("error", () => undefined);
    const stored = await pool.query<{ event_id: string }>(
      `SELECT "eventId" AS event_id FROM "OutboxEvent" WHERE "eventId" LIKE 'load-%'`,
    );
    await pool.end();
    const storedIds = new Set(stored.rows.map((r) => r.event_id));
    const acceptedSet = new Set(load.accepted);
    const missing = load.accepted.filter((id) => !storedIds.has(id)).length;
    const unanswered = [...storedIds].filter((id) => !acceptedSet.has(id)).length;

    const sorted = [...load.latencies].sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      server:
        "route handler in-process on node:http (not next start); local Inngest runner as a child process",
      handOffTarget: env.BENCH_EVENTS_HANDOFF,
      clients: env.BENCH_EVENTS_CLIENTS,
      batchSize: env.BENCH_EVENTS_BATCH,
      seconds: round(load.seconds),
      requests: load.requests,
      errors: load.errors,
      acceptedEvents: load.accepted.length,
      acceptedEventsPerSecond: Math.round(load.accepted.length / load.seconds),
      requestsPerSecond: round(load.requests / load.seconds),
      latencyMs: {
        p50: round(percentile(sorted, 50)),
        p95: round(percentile(sorted, 95)),
        p99: round(percentile(sorted, 99)),
        max: round(sorted.at(-1) ?? 0),
      },
      handOff: { ...handOffs, tailAfterLoadMs: handOffTailMs },
      outboxCheck: {
        acceptedNotInOutbox: missing,
        outboxRowsNotAnsweredAccepted: unanswered,
        duplicateAcceptances: load.accepted.length - acceptedSet.size,
        ok: missing === 0 && unanswered === 0 && load.accepted.length === acceptedSet.size,
      },
      targets: { eventsPerSecond: 1000, p99Ms: 100 },
    };
  } finally {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await runner?.kill();
    await disconnectDb();
    await db.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await run();
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  process.exit(0);
}
