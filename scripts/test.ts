/**
 * `npm test`: every check, in order — lint, formatting, typecheck, schema/migration drift, unit, integration
 * (DATABASE_URL's server, else an embedded PostgreSQL), a short chaos run and the Playwright e2e suite. Every step
 * runs even when an earlier one fails, so one run shows everything; the exit code is non-zero if any
 * failed. The last line counts the tests: `tests: N passed, N failed`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { childProcessEnv } from "@/lib/env";

const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "test-results", "summaries");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

interface Step {
  name: string;
  cmd: string[];
  env?: Record<string, string>;
  /** Reads the step's JSON report: [passed, failed]. */
  count?: () => [number, number];
  /** Lines quoted under the summary when the step fails, so the end of a CI log says why. */
  why?: () => string[];
}

function vitestCounts(file: string): () => [number, number] {
  return () => {
    const r = JSON.parse(readFileSync(file, "utf8")) as { numPassedTests: number; numFailedTests: number };
    return [r.numPassedTests, r.numFailedTests];
  };
}

function playwrightCounts(file: string): () => [number, number] {
  return () => {
    const r = JSON.parse(readFileSync(file, "utf8")) as {
      stats: { expected: number; unexpected: number; flaky: number };
    };
    return [r.stats.expected, r.stats.unexpected + r.stats.flaky];
  };
}

function chaosFailures(file: string): () => string[] {
  return () => {
    const r = JSON.parse(readFileSync(file, "utf8")) as {
      figures: {
        results: {
          scenario: string;
          round: number;
          passed: boolean;
          reconciliation: { problems: string[] };
        }[];
      };
    };
    return r.figures.results
      .filter((x) => !x.passed)
      .map((x) => `${x.scenario} #${x.round}: ${x.reconciliation.problems.join("; ")}`);
  };
}

const npx = (...args: string[]) => ["npx", ...args];
const steps: Step[] = [
  { name: "lint", cmd: npx("eslint", ".", "--max-warnings=0") },
  { name: "format", cmd: npx("prettier", "--check", ".", "--log-level=warn") },
  { name: "typecheck", cmd: npx("tsc", "--noEmit") },
  { name: "migrations match schema", cmd: npx("tsx", "scripts/prisma/check-drift.ts") },
  {
    name: "unit",
    cmd: npx(
      "vitest",
      "run",
      "--project",
      "unit",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${out}/unit.json`,
    ),
    count: vitestCounts(`${out}/unit.json`),
  },
  {
    name: "integration",
    cmd: npx(
      "vitest",
      "run",
      "--project",
      "integration",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${out}/integration.json`,
    ),
    count: vitestCounts(`${out}/integration.json`),
  },
  // The short chaos set (issue 10): each scenario ends in a reconciliation and exits 1 on any lost,
  // duplicated or drifted record. About 90 s; the full set is `npm run bench -- chaos`.
  {
    name: "chaos (quick)",
    cmd: npx(
      "tsx",
      "--conditions=react-server",
      "bench/run.ts",
      "chaos",
      "--quick",
      "--save-to",
      `${out}/chaos.json`,
    ),
    why: chaosFailures(`${out}/chaos.json`),
  },
  { name: "browser", cmd: npx("tsx", "scripts/ensure-browser.ts") },
  {
    name: "e2e",
    cmd: npx("playwright", "test", "--reporter=list,json"),
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: `${out}/e2e.json` },
    count: playwrightCounts(`${out}/e2e.json`),
  },
];

const results: {
  name: string;
  ok: boolean;
  seconds: number;
  passed?: number;
  failed?: number;
  why?: string[];
}[] = [];
for (const step of steps) {
  process.stdout.write(`\n▶ ${step.name}: ${step.cmd.join(" ")}\n`);
  const started = Date.now();
  const [cmd, ...args] = step.cmd as [string, ...string[]];
  const run = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: childProcessEnv(step.env ?? {}) });
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const row: (typeof results)[number] = { name: step.name, ok: run.status === 0, seconds };
  if (step.count) {
    try {
      [row.passed, row.failed] = step.count();
      if (row.failed > 0) row.ok = false; // never trust an exit code over the runner's own count
    } catch {
      row.ok = false; // a runner that crashed before writing its report failed, whatever it exited with
    }
  }
  if (!row.ok && step.why) {
    try {
      row.why = step.why();
    } catch {
      row.why = ["(no report written: the step crashed; see its output above)"];
    }
  }
  results.push(row);
}

process.stdout.write("\nSummary\n");
for (const r of results) {
  const counts = r.passed === undefined ? "" : `  ${r.passed} passed, ${r.failed} failed`;
  process.stdout.write(
    `  ${r.ok ? "✔" : "✘"} ${r.name.padEnd(24)} ${String(r.seconds).padStart(6)} s${counts}\n`,
  );
  for (const line of r.why ?? []) process.stdout.write(`      ${line}\n`);
}
const passed = results.reduce((n, r) => n + (r.passed ?? 0), 0);
const failed = results.reduce((n, r) => n + (r.failed ?? 0), 0);
const failedSteps = results.filter((r) => !r.ok).map((r) => r.name);
if (failedSteps.length > 0) process.stdout.write(`Failed steps: ${failedSteps.join(", ")}\n`);
process.stdout.write(`tests: ${passed} passed, ${failed} failed\n`);
process.exit(failedSteps.length > 0 ? 1 : 0);
