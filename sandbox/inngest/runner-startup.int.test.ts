import { Inngest } from "inngest";
import { createServer } from "inngest/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort, spawnRunner, type TChildRunner } from "./child-runner";
import { createRunnerDatabase, external, waitFor, type TTestDatabase } from "./conformance-harness";

/**
 * Start-up order: the runner comes up before the app it syncs (RUNNER_APP_URLS), as in the seed-burst
 * bench and the demo. An event accepted before the app's functions are registered starts nothing
 * (Inngest semantics), so `ready()` must mean "synced", not only "executing": the seed burst lost the
 * webhook hand-offs of its first seconds this way (inbox rows HANDED_OFF, no dispatcher run).
 */
describe.skipIf(external)("local Inngest runner — ready means the app is synced", () => {
  let db: TTestDatabase;
  let runner: TChildRunner | undefined;
  let app: ReturnType<typeof createServer> | undefined;
  let runnerUrl = "";

  beforeAll(async () => {
    db = await createRunnerDatabase();
  });

  afterAll(async () => {
    await runner?.kill();
    app?.closeAllConnections();
    await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()));
    await db?.drop();
  });

  it("does not report ready before the app is synced, so the first event starts a run", async () => {
    const [runnerPort, appPort] = await Promise.all([findFreePort(), findFreePort()]);
    runnerUrl = `http://127.0.0.1:${runnerPort}`;
    const appUrl = `http://127.0.0.1:${appPort}/api/inngest`;
    runner = spawnRunner({ databaseUrl: db.url, port: runnerPort, appUrls: [appUrl] });

    // The runner executes before the app listens: its first sync attempt has failed.
    await waitFor(async () => {
      try {
        const res = await fetch(`${runnerUrl}/health`);
        return res.ok && ((await res.json()) as { executing: boolean }).executing;
      } catch {
        return false;
      }
    }, "the runner to execute");
    const health = (await (await fetch(`${runnerUrl}/health`)).json()) as { synced: boolean };
    expect(health.synced).toBe(false);

    const inngest = new Inngest({ id: "startup", baseUrl: runnerUrl, isDev: true });
    const fn = inngest.createFunction(
      { id: "first-event", triggers: [{ event: "test/first" }] },
      () => "ran",
    );
    app = createServer({ client: inngest, functions: [fn] });
    await new Promise<void>((resolve) => app?.listen(appPort, "127.0.0.1", () => resolve()));

    await runner.ready();
    const res = await fetch(`${runnerUrl}/e/key`, {
      method: "POST",
      body: JSON.stringify({ name: "test/first", data: {} }),
    });
    const { ids } = (await res.json()) as { ids: string[] };
    const runs = await waitFor(async () => {
      const r = (await (await fetch(`${runnerUrl}/v1/events/${ids[0]}/runs`)).json()) as {
        data: Array<{ run_id: string }>;
      };
      return r.data.length > 0 ? r.data : undefined;
    }, "the first event's run");
    expect(runs).toHaveLength(1);
  }, 60_000);
});
