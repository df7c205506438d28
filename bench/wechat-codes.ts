/**
 * WeChat "Get My Code" callback under load: latency (p50, p99) and throughput at concurrency 50, for new
 * followers (first code: follower + code inserted) and returning ones (code re-read), in plain and safe mode.
 *
 * Setup: a fresh, migrated database on BENCH_POSTGRES_ADMIN_URL's server; the callback served by an
 * in-process HTTP server wrapping the same function app/api/wechat/route.ts serves (publicRoute +
 * handleWechatCallback, real PostgreSQL, the app's Prisma pool of 10) — not `next start`, so the figures
 * are the handler's and Node's HTTP stack, without Next's router. Requests are signed (and in safe mode
 * encrypted) exactly as WeChat sends them; every reply is checked for a code (decrypted in safe mode).
 * "server" latency is the handler's own time; "client" adds HTTP and the load generator, which shares
 * the machine.
 *
 *   npm run bench -- wechat-codes
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { openSealedMessage, sealMessage } from "@/lib/connectors/wechat/crypto";
import { computeUrlSignature } from "@/lib/connectors/wechat/signature";
import { disconnectDb, setDatabaseUrl } from "@/lib/db";
import { parseEnv } from "@/lib/env";
import { startCallbackHarness } from "@/lib/wechat/callback-harness";
import { parseWechatXml } from "@/lib/wechat/xml";
import { ensureDatabase } from "@/scripts/lib/embedded-postgres";
import { migrateDeploy } from "@/scripts/lib/migrate";
import pg from "pg";

const ZBenchEnv = z.object({
  BENCH_POSTGRES_ADMIN_URL: z.string().default("postgresql://postgres@127.0.0.1:5432/postgres"),
  BENCH_WECHAT_REQUESTS: z.coerce.number().int().min(100).default(2000),
  BENCH_WECHAT_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(50),
});

const ACCOUNT = {
  appId: "wxbench0000000001",
  token: "benchtoken",
  encodingAesKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
  originalId: "gh_bench",
};
const CODE = /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/;

type TMode = "plain" | "safe";

function clickXml(openid: string, createTime: number, msgId: number): string {
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
  const url = new URL(base);
  url.searchParams.set("signature", computeUrlSignature(ACCOUNT.token, timestamp, nonce));
  url.searchParams.set("timestamp", timestamp);
  url.searchParams.set("nonce", nonce);
  if (mode === "plain") return { url: url.toString(), body: xml };
  const sealed = sealMessage(ACCOUNT, xml, timestamp, nonce);
  url.searchParams.set("encrypt_type", "aes");
  url.searchParams.set("msg_signature", sealed.msgSignature);
  return {
    url: url.toString(),
    body: `<xml><ToUserName><![CDATA[${ACCOUNT.originalId}]]></ToUserName><Encrypt><![CDATA[${sealed.encrypt}]]></Encrypt></xml>`,
  };
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

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, i)]! * 10) / 10;
}

let msgSeq = 1_000_000;

async function phase(
  harnessUrl: string,
  serverTimes: number[],
  mode: TMode,
  openids: string[],
  concurrency: number,
) {
  serverTimes.length = 0;
  const client: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < openids.length) {
        const openid = openids[next++]!;
        const { url, body } = signedRequest(
          harnessUrl,
          mode,
          clickXml(openid, Math.floor(Date.now() / 1000), msgSeq++),
        );
        const t0 = performance.now();
        const res = await fetch(url, { method: "POST", headers: { "content-type": "text/xml" }, body });
        const text = await res.text();
        client.push(performance.now() - t0);
        if (res.status !== 200 || !replyHasCode(mode, text)) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  client.sort((a, b) => a - b);
  const server = [...serverTimes].sort((a, b) => a - b);
  return {
    requests: openids.length,
    failures,
    throughputPerSecond: Math.round(openids.length / seconds),
    serverMs: { p50: percentile(server, 50), p99: percentile(server, 99), max: percentile(server, 100) },
    clientMs: { p50: percentile(client, 50), p99: percentile(client, 99) },
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const env = parseEnv(ZBenchEnv);
  const name = `bench_wechat_${randomBytes(4).toString("hex")}`;
  const url = await ensureDatabase(env.BENCH_POSTGRES_ADMIN_URL, name, { fresh: true });
  await migrateDeploy(url, { quiet: true });
  setDatabaseUrl(url);
  const serverTimes: number[] = [];
  const harness = await startCallbackHarness(
    { appId: ACCOUNT.appId, token: ACCOUNT.token, encodingAesKey: ACCOUNT.encodingAesKey },
    (ms) => serverTimes.push(ms),
  );
  const figures: Record<string, unknown> = {
    setup:
      "in-process node:http server wrapping handleWechatCallback (the route's function), real PostgreSQL",
    concurrency: env.BENCH_WECHAT_CONCURRENCY,
  };
  try {
    // Warm-up: connections, JIT, the settings cache.
    await phase(harness.url, serverTimes, "plain", ids("warm", 200), env.BENCH_WECHAT_CONCURRENCY);
    for (const mode of ["plain", "safe"] as const) {
      const fresh = ids(`o_${mode}_`, env.BENCH_WECHAT_REQUESTS);
      figures[`${mode}.new`] = await phase(
        harness.url,
        serverTimes,
        mode,
        fresh,
        env.BENCH_WECHAT_CONCURRENCY,
      );
      // Returning followers: the same OpenIDs ask again (shuffled), so every code is re-read.
      const again = [...fresh].sort(() => Math.random() - 0.5);
      figures[`${mode}.returning`] = await phase(
        harness.url,
        serverTimes,
        mode,
        again,
        env.BENCH_WECHAT_CONCURRENCY,
      );
      // Service time without queueing: one request at a time (at concurrency 50 the figures above include
      // the wait behind 49 others on one Node event loop and a 10-connection pool: Little's law).
      const serial = ids(`o_${mode}_serial_`, 200);
      figures[`${mode}.new.concurrency1`] = await phase(harness.url, serverTimes, mode, serial, 1);
      figures[`${mode}.returning.concurrency1`] = await phase(harness.url, serverTimes, mode, serial, 1);
    }
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    const { rows } = await check.query<{ codes: string; followers: string }>(
      `SELECT (SELECT count(*) FROM "UserCode") AS codes, (SELECT count(*) FROM "WechatFollower") AS followers`,
    );
    await check.end();
    figures.check = { codes: Number(rows[0]!.codes), followers: Number(rows[0]!.followers) };
  } finally {
    await harness.close();
    await disconnectDb();
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
