/**
 * The server side of the wechat-codes benchmark, in its own process so that its event loop serves only
 * callbacks, as in production: the load generator (bench/wechat-codes.ts, the parent) signs, encrypts,
 * sends and checks replies on another thread of the machine. Serves the route's function through the
 * callback harness against DATABASE_URL and answers the parent's IPC commands with its own figures.
 *
 * Started by the parent with `--cpu-prof` when BENCH_WECHAT_CPU_PROF names a directory.
 */
import { cpuUsage } from "node:process";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { z } from "zod";
import { disconnectDb, setDatabaseUrl } from "@/lib/db";
import { parseEnv } from "@/lib/env";
import { startCallbackHarness } from "@/lib/wechat/callback-harness";
import {
  BENCH_ACCOUNT,
  SENT_AT_HEADER,
  wallClockMs,
  type TBenchCommand,
  type TBenchReply,
} from "./lib/wechat-bench";

const { BENCH_WECHAT_DATABASE_URL } = parseEnv(z.object({ BENCH_WECHAT_DATABASE_URL: z.string() }));
setDatabaseUrl(BENCH_WECHAT_DATABASE_URL);

const send = (reply: TBenchReply) => process.send?.(reply);
const serverMs: number[] = [];
const sentToFinishMs: number[] = [];
const loop = monitorEventLoopDelay({ resolution: 1 });
let cpuAtReset = cpuUsage();

const harness = await startCallbackHarness(
  { appId: BENCH_ACCOUNT.appId, token: BENCH_ACCOUNT.token, encodingAesKey: BENCH_ACCOUNT.encodingAesKey },
  (ms, req) => {
    serverMs.push(ms);
    const sentAt = Number(req.headers[SENT_AT_HEADER]);
    if (Number.isFinite(sentAt)) sentToFinishMs.push(wallClockMs() - sentAt);
  },
);
loop.enable();

const ns = (v: number) => Math.round(v / 1e5) / 10;

process.on("message", (command: TBenchCommand) => {
  if (command.type === "reset") {
    serverMs.length = 0;
    sentToFinishMs.length = 0;
    loop.reset();
    cpuAtReset = cpuUsage();
    send({ type: "reset-ok" });
  } else if (command.type === "collect") {
    const cpu = cpuUsage(cpuAtReset);
    send({
      type: "figures",
      figures: {
        serverMs: [...serverMs],
        sentToFinishMs: [...sentToFinishMs],
        loopDelayMs: { p50: ns(loop.percentile(50)), p99: ns(loop.percentile(99)), max: ns(loop.max) },
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      },
    });
  } else if (command.type === "stop") {
    loop.disable();
    void harness
      .close()
      .then(() => disconnectDb())
      // A normal exit, so that --cpu-prof writes its profile.
      .finally(() => process.exit(0));
  }
});

send({ type: "ready", url: harness.url });
