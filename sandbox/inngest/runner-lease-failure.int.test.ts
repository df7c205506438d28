import type { AddressInfo } from "node:net";
import { Inngest } from "inngest";
import { createServer } from "inngest/node";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort, spawnRunner, type TChildRunner } from "./child-runner";
import { createRunnerDatabase, external, waitFor, type TTestDatabase } from "./conformance-harness";

/**
 * A lease transaction that fails (as while PostgreSQL restarts: "the database system is shutting
 * down") must not cost the runner its in-memory concurrency slots. Seen in chaos `pg-restart`: a
 * function with a concurrency limit stayed "saturated" after one failed lease and its calls sat due
 * forever. Here a trigger makes exactly one lease of a call fail; every run must still complete.
 * Likewise a runner whose take-over fails once at start (chaos kill-runner under load: it exited 1)
 * must try again and start.
 */
describe.skipIf(external)("local Inngest runner — a failed lease transaction", () => {
  let db: TTestDatabase;
  let runner: TChildRunner | undefined;
  let runnerPort = 0;
  let app: ReturnType<typeof createServer>;
  let admin: pg.Client;
  let appUrl = "";
  const done = new Set<string>();

  beforeAll(async () => {
    db = await createRunnerDatabase();
    runnerPort = await findFreePort();
    const inngest = new Inngest({ id: "lease", baseUrl: `http://127.0.0.1:${runnerPort}`, isDev: true });
    const fn = inngest.createFunction(
      { id: "limited", concurrency: { limit: 1 }, triggers: [{ event: "test/limited" }] },
      async ({ event, step }) => {
        await step.run("work", () => {
          done.add(String(event.data.n));
        });
        return "ok";
      },
    );
    app = createServer({ client: inngest, functions: [fn] });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", () => resolve()));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`;
    runner = spawnRunner({ databaseUrl: db.url, port: runnerPort, appUrls: [appUrl] });
    await runner.ready();
    await waitFor(async () => {
      const res = await fetch(`http://127.0.0.1:${runnerPort}/v1/functions`);
      return ((await res.json()) as { data: unknown[] }).data.length === 1;
    }, "the app to be synced");
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    // Sequences are not transactional: the first lease of a call fails, every later one succeeds.
    await admin.query(`
      CREATE SEQUENCE public.lease_failures;
      CREATE FUNCTION public.fail_first_call_lease() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.kind = 'call' AND OLD.lease_owner IS NULL AND NEW.lease_owner IS NOT NULL
           AND nextval('public.lease_failures') = 1 THEN
          RAISE EXCEPTION 'injected: the database system is shutting down';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER fail_first_call_lease BEFORE UPDATE ON inngest_runner.queue
        FOR EACH ROW EXECUTE FUNCTION public.fail_first_call_lease();`);
  }, 60_000);

  afterAll(async () => {
    await admin?.end();
    await runner?.kill();
    app?.closeAllConnections();
    await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()));
    await db?.drop();
  });

  it("keeps running the function's calls after the failure", async () => {
    for (const n of [1, 2, 3]) {
      await fetch(`http://127.0.0.1:${runnerPort}/e/key`, {
        method: "POST",
        body: JSON.stringify({ name: "test/limited", data: { n } }),
      });
    }
    await waitFor(() => done.size === 3, "all three runs' steps", 15_000);
    const failures = await admin.query<{ n: string }>(
      "SELECT last_value::text AS n FROM public.lease_failures",
    );
    expect(Number(failures.rows[0]?.n)).toBeGreaterThan(1); // the injected failure did happen
    expect(runner?.output()).toContain("injected: the database system is shutting down");
  }, 30_000);

  it("starts after a take-over that failed once", async () => {
    await runner?.kill("SIGTERM");
    // Statement-level: fires even when no row changes, so the new runner's first reclaim fails.
    await admin.query(`
      CREATE SEQUENCE public.takeover_failures;
      CREATE FUNCTION public.fail_first_takeover() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('public.takeover_failures') = 1 THEN
          RAISE EXCEPTION 'injected: deadlock detected';
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER fail_first_takeover BEFORE UPDATE ON inngest_runner.queue
        FOR EACH STATEMENT EXECUTE FUNCTION public.fail_first_takeover();`);
    runner = spawnRunner({ databaseUrl: db.url, port: runnerPort, appUrls: [appUrl] });
    await runner.ready();
    expect(runner.output()).toContain("runner.start_retry");
    await fetch(`http://127.0.0.1:${runnerPort}/e/key`, {
      method: "POST",
      body: JSON.stringify({ name: "test/limited", data: { n: 4 } }),
    });
    await waitFor(() => done.has("4"), "the run after the restart", 15_000);
  }, 60_000);
});
