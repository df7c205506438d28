/**
 * WeChat "Get My Code" callback under load: latency (p50, p99) and throughput at concurrency 50, for new
 * followers (first code: follower + code inserted) and returning ones (code re-read), in plain and safe mode.
 *
 * Two processes, as in production where WeChat's servers are not on our event loop:
 *   - the server (bench/wechat-codes-server.ts, a child) serves the function app/api/wechat/route.ts
 *     serves (handleWechatCallback with publicRoute's error mapping, through lib/wechat/callback-harness.ts)
 *     on node:http — not `next start`, so without Next's router — against a fresh, migrated database on
 *     BENCH_POSTGRES_ADMIN_URL's server, with the app's Prisma pool of 10;
 *   - this process is the load generator: it signs (and in safe mode encrypts) each request exactly as
 *     WeChat does, keeps `concurrency` requests in flight over keep-alive connections, and checks that
 *     every reply carries a code (decrypting it in safe mode).
 *
 * Figures per phase (ms):
 *   serverMs      — in the server, from node:http's `request` event (headers parsed) to the reply's
 *                   `finish` (handed to the socket). It includes reading the body and every wait of the
 *                   request on the server's event loop and for a database connection, not only the
 *                   handler's synchronous slices. It cannot see bytes that arrived while the loop was busy
 *                   before node:http parsed them: that wait is bounded by `loopDelayMs`, and included in:
 *   sentToFinishMs — from the load generator's wall-clock stamp as it sends the request (header
 *                   x-bench-sent-at) to the server's `finish`: the server time plus the loopback hop and
 *                   any wait in the kernel or the server's loop before parsing (an upper bound of it);
 *   clientMs      — the load generator's full round trip, reading the reply included;
 *   loopDelayMs   — the server's event-loop delay over the phase (sampled every 1 ms): how long a ready
 *                   callback waited for the loop, whether the loop was busy or the process had no core;
 *   server/clientCpuMsPerRequest — each process's CPU (user + system) over the phase ÷ requests;
 *   machineCpuBusyPercent — all cores' busy share over the phase (/proc/stat): PostgreSQL, both processes
 *                   and anything else running on the machine share them.
 *
 *   npm run bench -- wechat-codes        (BENCH_WECHAT_CPU_PROF=<dir>: the server runs with --cpu-prof)
 *   npm run bench -- wechat-codes --new-only --no-save   (only the c=50 new-follower phases: for iterating)
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { z } from "zod";
import { openSealedMessage, sealMessage } from "@/lib/connectors/wechat/crypto";
import { computeUrlSignature } from "@/lib/connectors/wechat/signature";
import { childProcessEnv, parseEnv } from "@/lib/env";
import { parseWechatXml } from "@/lib/wechat/xml";
import { ensureDatabase } from "@/scripts/lib/embedded-postgres";
import { migrateDeploy } from "@/scripts/lib/migrate";
import pg from "pg";
import { hasFlag } from "@/bench/lib/args";
import {
  BENCH_ACCOUNT as ACCOUNT,
  SENT_AT_HEADER,
  summary,
  wallClockMs,
  type TBenchCommand,
  type TBenchReply,
  type TServerFigures,
} from "./lib/wechat-bench";

const ZBenchEnv = z.object({
  BENCH_POSTGRES_ADMIN_URL: z.string().default("postgresql://postgres@127.0.0.1:5432/postgres"),
  // Per c=50 phase. The p99 of 10,000 requests is the 100th slowest; of 2,000 (the default until
  // session 8) it was the 20th, and the same code's p99 swung by ±8 ms between runs.
  BENCH_WECHAT_REQUESTS: z.coerce.number().int().min(100).default(10_000),
  BENCH_WECHAT_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(50),
  BENCH_WECHAT_CPU_PROF: z.string().optional(),
});

const CODE = /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/;

type TMode = "plain" | "safe";

function codeXml(openid: string, createTime: number, msgId: number): string {
  // A text "code" with its own MsgId: every request is a distinct message (no dedupe), as in real traffic.
  return (
    `<xml><ToUserName><![CDATA[${ACCOUNT.originalId}]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName>` +
    `<CreateTime>${createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[code]]></Content>` +
    `<MsgId>${msgId}</MsgId></xml>`
  );
}

function signedRequest(base: string, mode: TMode, xml: string): { url: string; body: string } {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(6).toString("hex");
  // Hex and digits only: no encoding needed.
  const url = `${base}?signature=${computeUrlSignature(ACCOUNT.token, timestamp, nonce)}&timestamp=${timestamp}&nonce=${nonce}`;
  if (mode === "plain") return { url, body: xml };
  const sealed = sealMessage(ACCOUNT, xml, timestamp, nonce);
  return {
    url: `${url}&encrypt_type=aes&msg_signature=${sealed.msgSignature}`,
    body: `<xml><ToUserName><![CDATA[${ACCOUNT.originalId}]]></ToUserName><Encrypt><![CDATA[${sealed.encrypt}]]></Encrypt></xml>`,
  };
}

// node:http with keep-alive rather than fetch: with fetch the load generator spent 0.75–1.07 ms of CPU a
// request, with node:http 0.33–0.61 ms (session 6), on cores the server and PostgreSQL need.
const agent = new http.Agent({ keepAlive: true, maxSockets: 500 });

function post(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "text/xml",
          "content-length": Buffer.byteLength(body),
          [SENT_AT_HEADER]: String(wallClockMs()),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function replyHasCode(mode: TMode, text: string): boolean {
  if (mode === "plain") return CODE.test(parseWechatXml(text)?.Content ?? "");
  const outer = parseWechatXml(text);
  if (!outer?.Encrypt) return false;
  const inner = openSealedMessage(ACCOUNT, {
    encrypt: outer.Encrypt,
    msgSignature: outer.MsgSignature ?? "",
    timestamp: outer.TimeStamp ?? "",
    nonce: outer.Nonce ?? "",
  });
  return CODE.test(parseWechatXml(inner)?.Content ?? "");
}

/** The server child and a request/response channel to it. */
type TServer = { url: string; ask: (command: TBenchCommand) => Promise<TBenchReply>; child: ChildProcess };

async function startServer(databaseUrl: string, cpuProfDir: string | undefined): Promise<TServer> {
  const root = path.resolve(import.meta.dirname, "..");
  const child = fork(path.join(root, "bench/wechat-codes-server.ts"), [], {
    cwd: root,
    execArgv: [
      "--import",
      "tsx",
      "--conditions=react-server",
      ...(cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfDir}`] : []),
    ],
    env: childProcessEnv({ BENCH_WECHAT_DATABASE_URL: databaseUrl }),
    // The app logs each issued code at info, as in production; to /dev/null here.
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const pending: { resolve: (reply: TBenchReply) => void; reject: (error: Error) => void }[] = [];
  child.on("message", (reply: TBenchReply) => pending.shift()?.resolve(reply));
  child.on("exit", (code) => {
    for (const p of pending.splice(0)) p.reject(new Error(`wechat bench server exited with ${code}`));
  });
  const next = () => new Promise<TBenchReply>((resolve, reject) => pending.push({ resolve, reject }));
  const ready = await next();
  if (ready.type !== "ready") throw new Error(`wechat bench server: unexpected ${ready.type}`);
  return {
    url: ready.url,
    child,
    ask: (command) => {
      const reply = next();
      child.send(command);
      return reply;
    },
  };
}

let msgSeq = 1_000_000;

/** Busy and total jiffies of the whole machine (Linux /proc/stat), to tell a busy machine from a busy server. */
function machineJiffies(): { busy: number; total: number } | null {
  try {
    const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    const total = cpu.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

async function phase(server: TServer, mode: TMode, openids: string[], concurrency: number) {
  await server.ask({ type: "reset" });
  const client: number[] = [];
  let failures = 0;
  let next = 0;
  const jiffies = machineJiffies();
  const clientCpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < openids.length) {
        const openid = openids[next++]!;
        const { url, body } = signedRequest(
          server.url,
          mode,
          codeXml(openid, Math.floor(Date.now() / 1000), msgSeq++),
        );
        const t0 = performance.now();
        const res = await post(url, body);
        client.push(performance.now() - t0);
        if (res.status !== 200 || !replyHasCode(mode, res.text)) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const clientCpuMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(clientCpu));
  const jiffiesAfter = machineJiffies();
  const reply = await server.ask({ type: "collect" });
  if (reply.type !== "figures") throw new Error(`wechat bench server: unexpected ${reply.type}`);
  const figures: TServerFigures = reply.figures;
  const { max: _clientMax, ...clientMs } = summary(client);
  return {
    requests: openids.length,
    failures,
    throughputPerSecond: Math.round(openids.length / seconds),
    serverMs: summary(figures.serverMs),
    sentToFinishMs: summary(figures.sentToFinishMs),
    clientMs,
    loopDelayMs: figures.loopDelayMs,
    serverCpuMsPerRequest: Math.round((figures.cpuMs / openids.length) * 100) / 100,
    clientCpuMsPerRequest: Math.round((clientCpuMs / openids.length) * 100) / 100,
    machineCpuBusyPercent:
      jiffies && jiffiesAfter
        ? Math.round(
            (100 * (jiffiesAfter.busy - jiffies.busy)) / Math.max(1, jiffiesAfter.total - jiffies.total),
          )
        : null,
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const env = parseEnv(ZBenchEnv);
  const name = `bench_wechat_${randomBytes(4).toString("hex")}`;
  const url = await ensureDatabase(env.BENCH_POSTGRES_ADMIN_URL, name, { fresh: true });
  await migrateDeploy(url, { quiet: true });
  const server = await startServer(url, env.BENCH_WECHAT_CPU_PROF);
  const concurrency = env.BENCH_WECHAT_CONCURRENCY;
  const figures: Record<string, unknown> = {
    setup:
      "server: child process, node:http around handleWechatCallback (the route's function), real PostgreSQL; " +
      "load generator: the parent process",
    concurrency,
  };
  try {
    // Warm-up: connections, JIT, the settings cache.
    await phase(server, "plain", ids("warm", 400), concurrency);
    await phase(server, "safe", ids("warm", 400), concurrency);
    const newOnly = hasFlag("--new-only");
    for (const mode of ["plain", "safe"] as const) {
      const fresh = ids(`o_${mode}_`, env.BENCH_WECHAT_REQUESTS);
      figures[`${mode}.new`] = await phase(server, mode, fresh, concurrency);
      if (newOnly) continue;
      // Returning followers: the same OpenIDs ask again (shuffled), so every code is re-read.
      const again = [...fresh].sort(() => Math.random() - 0.5);
      figures[`${mode}.returning`] = await phase(server, mode, again, concurrency);
      // Service time without queueing: one request at a time.
      const serial = ids(`o_${mode}_serial_`, 200);
      figures[`${mode}.new.concurrency1`] = await phase(server, mode, serial, 1);
      figures[`${mode}.returning.concurrency1`] = await phase(server, mode, serial, 1);
    }
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    const { rows } = await check.query<{ codes: string; followers: string }>(
      `SELECT (SELECT count(*) FROM "UserCode") AS codes, (SELECT count(*) FROM "WechatFollower") AS followers`,
    );
    await check.end();
    figures.check = { codes: Number(rows[0]!.codes), followers: Number(rows[0]!.followers) };
  } finally {
    agent.destroy();
    await new Promise<void>((resolve) => {
      server.child.once("exit", () => resolve());
      server.child.send({ type: "stop" } satisfies TBenchCommand);
    });
    const admin = new pg.Client({ connectionString: env.BENCH_POSTGRES_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
  return figures;
}

function ids(prefix: string, n: number): string[] {
  const run = randomBytes(3).toString("hex");
  return Array.from({ length: n }, (_, i) => `${prefix}${run}_${String(i).padStart(6, "0")}`);
}
