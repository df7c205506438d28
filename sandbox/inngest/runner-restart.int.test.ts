import type { AddressInfo } from "node:net";
import { Inngest } from "inngest";
import { createServer } from "inngest/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort, spawnRunner, type TChildRunner } from "./child-runner";
import {
  createRunnerDatabase,
  external,
  waitFor,
  type TRunDetail,
  type TTestDatabase,
} from "./conformance-harness";

/**
 * Durability: the runner is a separate process killed with SIGKILL mid-run (once while a step is in
 * flight, once while the run sleeps). Each restart resumes the run; no completed step runs twice.
 */
describe.skipIf(external)("local Inngest runner — kill -9 and restart", () => {
  let db: TTestDatabase;
  let runner: TChildRunner | undefined;
  let runnerPort = 0;
  let app: ReturnType<typeof createServer>;
  let appUrl = "";
  const calls = { one: 0, slow: 0, two: 0 };
  let releaseGate: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    releaseGate = resolve;
  });

  const start = async () => {
    runner = spawnRunner({ databaseUrl: db.url, port: runnerPort, appUrls: [appUrl], timeCompression: 100 });
    await runner.ready();
  };
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`http://127.0.0.1:${runnerPort}${path}`);
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    db = await createRunnerDatabase();
    runnerPort = await findFreePort();
    const inngest = new Inngest({ id: "restart", baseUrl: `http://127.0.0.1:${runnerPort}`, isDev: true });
    const fn = inngest.createFunction(
      { id: "durable", triggers: [{ event: "test/durable" }] },
      async ({ step }) => {
        await step.run("one", () => {
          calls.one++;
        });
        await step.run("slow", async () => {
          calls.slow++;
          await gate;
        });
        await step.sleep("pause", "1m");
        await step.run("two", () => {
          calls.two++;
        });
        return "done";
      },
    );
    app = createServer({ client: inngest, functions: [fn] });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", () => resolve()));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`;
    await start();
    // RUNNER_APP_URLS: the runner syncs the app itself.
    await waitFor(
      async () => (await api<{ data: Array<{ id: string }> }>("/v1/functions")).data.length === 1,
      "the app to be synced",
    );
  }, 60_000);

  afterAll(async () => {
    releaseGate();
    await runner?.kill();
    app?.closeAllConnections();
    await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()));
    await db?.drop();
  });

  it("resumes the run after each crash without repeating completed steps", async () => {
    const res = await fetch(`http://127.0.0.1:${runnerPort}/e/key`, {
      method: "POST",
      body: JSON.stringify({ name: "test/durable", data: {} }),
    });
    const { ids } = (await res.json()) as { ids: string[] };
    await waitFor(() => calls.one === 1 && calls.slow === 1, "step one to finish and slow to start");

    // Crash while "slow" is in flight: its result never reaches the runner.
    await runner?.kill("SIGKILL");
    releaseGate();
    await start();
    const runId = await waitFor(async () => {
      const runs = (await api<{ data: Array<{ run_id: string }> }>(`/v1/events/${ids[0]}/runs`)).data;
      return runs[0]?.run_id;
    }, "the run to be listed");
    await waitFor(async () => {
      const detail = (await api<{ data: TRunDetail }>(`/v1/runs/${runId}`)).data;
      return detail.steps.some((s) => s.name === "pause" && s.status === "waiting");
    }, "the run to reach its sleep");

    // Crash while the run sleeps: the timer is in Postgres.
    await runner?.kill("SIGKILL");
    await start();
    const detail = await waitFor(async () => {
      const d = (await api<{ data: TRunDetail }>(`/v1/runs/${runId}`)).data;
      return d.status === "Completed" ? d : undefined;
    }, "the run to complete after the restarts");

    expect(detail.output).toBe("done");
    expect(calls).toEqual({ one: 1, slow: 2, two: 1 });
    const stepRuns = detail.attempts.filter((a) => a.outcome === "StepRun").map((a) => a.name);
    expect(stepRuns.sort()).toEqual(["one", "slow", "two"]);
  }, 60_000);

  it("steps aside with one line and exit code 0 when its port is taken", async () => {
    const second = spawnRunner({ databaseUrl: db.url, port: runnerPort });
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain(
      `port ${runnerPort} is in use — another Inngest dev server or runner is running; using it`,
    );
  }, 30_000);
});
