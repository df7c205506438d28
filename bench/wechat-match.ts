/**
 * Form submission → `wechat_openid` written: the identity path end to end.
 *
 * A fresh, migrated database with BENCH_MATCH_SUBMISSIONS followers holding issued codes; the HubSpot
 * sandbox in this process, delivering its signed webhooks to the app; the local Inngest runner as a
 * child process; the app itself in a second child process (this file with `--app`): the webhook intake
 * (lib/inbox/receive.ts, as app/api/webhooks/hubspot does) and the real functions — the dispatcher
 * `process-webhook` (batches of ≤ 100, 1 s window) and `identity-hubspot-contact` — served by
 * `inngest/node`. The app is a child so its configuration comes through the environment, read by
 * lib/env.ts as in production.
 *
 * Load: form submissions (a new contact with a valid code, `changeSource: FORM`) at BENCH_MATCH_RATE
 * per second. Latency per submission is read from HubSpot's own property history: the timestamp of
 * `wechat_openid` minus the timestamp of `wechat_code` — no client-side clock involved.
 *
 *   npm run bench -- wechat-match
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { z } from "zod";
import { launchAppWithRunner, serveAppChild } from "@/bench/lib/app-child";
import { createScratchDatabase } from "@/bench/lib/scratch-db";
import { percentile } from "@/bench/lib/stats";
import { sleep } from "@/bench/lib/wait";
import { parseEnv } from "@/lib/env";
import { generateCode } from "@/lib/identity/code";
import { startHubspotSandbox, type THubspotSandbox } from "@/sandbox/hubspot";
import { findFreePort, type TChildRunner } from "@/sandbox/inngest/child-runner";
import { migrateDeploy } from "@/scripts/lib/migrate";

const ZBenchEnv = z.object({
  BENCH_POSTGRES_ADMIN_URL: z.string().default("postgresql://postgres@127.0.0.1:5432/postgres"),
  BENCH_MATCH_SUBMISSIONS: z.coerce.number().int().min(10).max(5000).default(200),
  BENCH_MATCH_RATE: z.coerce.number().min(0.5).max(200).default(5),
});

const CLIENT_SECRET = "bench-hubspot-client-secret";
const TOKEN = "pat-na1-bench0000-0000-0000-0000-000000000000";

// ───────────────────────── the app (child process) ─────────────────────────

async function serveApp(): Promise<void> {
  await serveAppChild(async () => {
    const { processWebhookFunction } = await import("@/inngest/functions/process-webhook");
    const { identityHubspotContactFunction } = await import("@/inngest/functions/identity-hubspot-contact");
    return [processWebhookFunction, identityHubspotContactFunction];
  });
}

// ───────────────────────── the benchmark (parent) ─────────────────────────

function historyMs(hubspot: THubspotSandbox, contactId: string, property: string): number | null {
  const record = hubspot.portal.store.find("contacts", contactId);
  const entries = record?.history.get(property) ?? [];
  // Newest first; the first value ever written is the last entry.
  const first = entries.at(-1);
  return first ? Date.parse(first.timestamp) : null;
}

export async function run(): Promise<Record<string, unknown>> {
  const env = parseEnv(ZBenchEnv);
  const db = await createScratchDatabase(env.BENCH_POSTGRES_ADMIN_URL, "bench_match");
  const databaseUrl = db.url;
  let runner: TChildRunner | undefined;
  let app: ChildProcess | undefined;
  let hubspot: THubspotSandbox | undefined;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  pool.on("error", () => undefined);
  try {
    await migrateDeploy(databaseUrl, { quiet: true });
    const appPort = await findFreePort();
    const appUrl = `http://127.0.0.1:${appPort}`;
    hubspot = await startHubspotSandbox({
      webhookUrl: `${appUrl}/api/webhooks/hubspot`,
      settings: { clientSecret: CLIENT_SECRET, tenSecondlyLimit: 1000 },
      log: () => undefined,
    });
    // The school's form has a code field; the OpenID property is created by RevBridge on first write.
    hubspot.portal.registry.create("contacts", {
      name: "wechat_code",
      label: "WeChat code",
      type: "string",
      fieldType: "text",
      groupName: "contactinformation",
    } as never);

    const launched = await launchAppWithRunner({
      scenario: "bench/wechat-match.ts",
      databaseUrl,
      appPort,
      env: {
        HUBSPOT_ACCESS_TOKEN: TOKEN,
        HUBSPOT_CLIENT_SECRET: CLIENT_SECRET,
        HUBSPOT_API_BASE: hubspot.url,
      },
    });
    ({ runner, app } = launched);
    await launched.ready();

    // Followers with issued codes (as the WeChat callback leaves them), plus warm-up ones.
    const warmup = 5;
    const total = env.BENCH_MATCH_SUBMISSIONS + warmup;
    const codes: { openid: string; code: string }[] = [];
    for (let i = 0; i < total; i++)
      codes.push({ openid: `oBench${randomBytes(10).toString("hex")}`, code: generateCode() });
    for (let i = 0; i < codes.length; i += 500) {
      const slice = codes.slice(i, i + 500);
      await pool.query(
        `INSERT INTO "WechatFollower" (id, openid, "firstSeenAt") SELECT gen_random_uuid()::text, o, now() FROM unnest($1::text[]) o`,
        [slice.map((c) => c.openid)],
      );
      await pool.query(
        `INSERT INTO "UserCode" (id, code, openid, "issuedAt") SELECT gen_random_uuid()::text, c, o, now() FROM unnest($1::text[], $2::text[]) AS t(c, o)`,
        [slice.map((c) => c.code), slice.map((c) => c.openid)],
      );
    }

    const submit = async (i: number, label: string) => {
      const c = codes[i]!;
      const res = await fetch(`${hubspot!.url}/__sandbox/hubspot/forms/submit`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          email: `${label}${i}@bench.example.com`,
          properties: { wechat_code: `${c.code.slice(0, 4)}-${c.code.slice(4)}`, firstname: "Bench" },
        }),
      });
      if (!res.ok) throw new Error(`form submit ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    };
    const waitAll = async (ids: string[], timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      let pending = ids.filter((id) => historyMs(hubspot!, id, "wechat_openid") === null);
      while (pending.length && Date.now() < deadline) {
        await sleep(50);
        pending = pending.filter((id) => historyMs(hubspot!, id, "wechat_openid") === null);
      }
      return pending;
    };

    // Warm-up (JIT, pools, the property check, first function calls) is not measured.
    const warmIds: string[] = [];
    for (let i = 0; i < warmup; i++) warmIds.push(await submit(i, "warm"));
    const warmMissing = await waitAll(warmIds, 60_000);
    if (warmMissing.length)
      throw new Error(`warm-up: ${warmMissing.length} contacts never got wechat_openid`);

    const ids: string[] = [];
    const interval = 1000 / env.BENCH_MATCH_RATE;
    const loadStarted = Date.now();
    for (let n = 0; n < env.BENCH_MATCH_SUBMISSIONS; n++) {
      const due = loadStarted + n * interval;
      if (due > Date.now()) await sleep(due - Date.now());
      ids.push(await submit(warmup + n, "load"));
    }
    const missing = await waitAll(ids, 120_000);
    const wall = (Date.now() - loadStarted) / 1000;

    const latencies: number[] = [];
    let wrongOpenid = 0;
    for (const [k, id] of ids.entries()) {
      const t0 = historyMs(hubspot, id, "wechat_code");
      const t1 = historyMs(hubspot, id, "wechat_openid");
      if (t0 !== null && t1 !== null) latencies.push(t1 - t0);
      const written = hubspot.portal.store.find("contacts", id)?.properties.wechat_openid;
      if (written !== undefined && written !== codes[warmup + k]!.openid) wrongOpenid++;
    }
    const sorted = latencies.sort((a, b) => a - b);
    const outcomes = await pool.query<{ outcome: string; n: string }>(
      `SELECT outcome, count(*) AS n FROM "CodeSubmission" GROUP BY outcome`,
    );
    return {
      setup:
        "HubSpot sandbox (signed webhooks, 100 ms batch window) → app intake + process-webhook + identity-hubspot-contact in a child process → local Inngest runner (child)",
      submissions: env.BENCH_MATCH_SUBMISSIONS,
      ratePerSecond: env.BENCH_MATCH_RATE,
      written: latencies.length,
      neverWritten: missing.length,
      wrongOpenid,
      wallSeconds: Math.round(wall * 10) / 10,
      latencyMs: {
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        p99: percentile(sorted, 99),
        max: sorted.at(-1) ?? 0,
        min: sorted[0] ?? 0,
      },
      submissionOutcomes: Object.fromEntries(outcomes.rows.map((r) => [r.outcome, Number(r.n)])),
      targets: { p95Ms: 10_000 },
    };
  } finally {
    app?.kill("SIGTERM");
    await runner?.kill();
    await hubspot?.close();
    await pool.end();
    await db.drop();
  }
}

if (process.argv.includes("--app")) {
  await serveApp();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await run();
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  process.exit(0);
}
