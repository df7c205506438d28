/**
 * `npm run bench -- <scenario>` (or `all`): runs a benchmark scenario, prints its figures and saves
 * them with the commit, machine and date to bench/results/<scenario>.json. Benchmarks are not tests:
 * targets are judged in docs/BENCHMARKS.md, not asserted here.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringFlag } from "@/bench/lib/args";

type TScenario = () => Promise<{ run: () => Promise<Record<string, unknown>> }>;

/** Each scenario module exports `run()` returning its figures. */
const SCENARIOS: Record<string, TScenario> = {
  "runner-burst": () => import("./runner-burst"),
  "wechat-codes": () => import("./wechat-codes"),
  "csv-import": () => import("./csv-import"),
  "events-ingest": () => import("./events-ingest"),
  "wechat-match": () => import("./wechat-match"),
  "seed-burst": () => import("./seed-burst"),
  "seed-burst-faults": async () => ({ run: (await import("./seed-burst")).runWithFaults }),
  echo: () => import("./echo"),
  chaos: () => import("./chaos"),
  warehouse: () => import("./warehouse"),
};

const root = path.resolve(import.meta.dirname, "..");

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

function commit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

async function runScenario(name: string, load: TScenario): Promise<void> {
  process.stdout.write(`\n== bench ${name}\n`);
  const started = Date.now();
  const figures = await (await load()).run();
  const result = {
    scenario: name,
    figures,
    wallSeconds: (Date.now() - started) / 1000,
    commit: commit(),
    machine: machine(),
    date: new Date().toISOString(),
  };
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  // `--no-save`: CI's short chaos run judges, it does not replace the recorded figures; `--save-to`
  // puts them where CI's summary can quote a failure.
  if (process.argv.includes("--no-save")) return;
  const file = saveTo ?? path.join(root, "bench", "results", `${name}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`saved ${path.relative(root, file)}\n`);
}

const saveTo = stringFlag("--save-to");
const wanted = process.argv[2];
if (!wanted || (wanted !== "all" && !(wanted in SCENARIOS))) {
  process.stderr.write(`Usage: npm run bench -- <${[...Object.keys(SCENARIOS), "all"].join("|")}>\n`);
  process.exit(2);
}
for (const [name, load] of Object.entries(SCENARIOS)) {
  if (wanted === "all" || wanted === name) await runScenario(name, load);
}
// A scenario that judges itself (chaos) sets process.exitCode when it fails.
process.exit(process.exitCode ?? 0);
