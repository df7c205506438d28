/**
 * What both processes of the wechat-codes benchmark share: the bench account, the IPC messages between
 * the load generator (bench/wechat-codes.ts) and the server (bench/wechat-codes-server.ts), and the
 * percentile helper.
 */
export const BENCH_ACCOUNT = {
  appId: "wxbench0000000001",
  token: "benchtoken",
  encodingAesKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
  originalId: "gh_bench",
};

/** Header carrying the load generator's wall-clock send time (ms, sub-ms resolution). */
export const SENT_AT_HEADER = "x-bench-sent-at";

/** Wall-clock ms with sub-ms resolution, comparable across processes on one machine. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Parent → server. */
export type TBenchCommand = { type: "reset" } | { type: "collect" } | { type: "stop" };

export type TServerFigures = {
  /** Per request: `request` event → reply `finish` (see the harness). */
  serverMs: number[];
  /** Per request: the client's send stamp → reply `finish`, both wall clock. */
  sentToFinishMs: number[];
  /** Event-loop delay over the phase (perf_hooks.monitorEventLoopDelay, sampled every 1 ms). */
  loopDelayMs: { p50: number; p99: number; max: number };
  /** Server process CPU over the phase (user + system), ms. */
  cpuMs: number;
};

/** Server → parent. */
export type TBenchReply =
  { type: "ready"; url: string } | { type: "reset-ok" } | { type: "figures"; figures: TServerFigures };

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, i)]! * 10) / 10;
}

export function summary(values: readonly number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: percentile(sorted, 100) };
}
