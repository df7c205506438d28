import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRunnerDatabase, external, type TTestDatabase } from "./conformance-harness";
import { createPool, withTransaction } from "./db";

/**
 * A PostgreSQL restart drops every connection; a client checked out for a transaction gets an `error`
 * event between two queries. Without a listener Node throws it and the runner process dies — the chaos
 * bench's pg-restart scenario found this (every later hand-off then failed).
 */
describe.skipIf(external)("runner database access — connection lost mid-transaction", () => {
  let db: TTestDatabase;
  beforeAll(async () => {
    db = await createRunnerDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("survives a client error while checked out and does not pool the broken client", async () => {
    const pool = createPool(db.url, 2);
    try {
      const lost = new Error("Connection terminated unexpectedly");
      const outcome = withTransaction(pool, async (tx) => {
        await tx.query("SELECT 1");
        tx.emit("error", lost); // as pg does when the socket closes between queries
        throw lost;
      });
      await expect(outcome).rejects.toBe(lost);
      expect(pool.totalCount).toBe(0);
      // The pool still works afterwards.
      expect((await withTransaction(pool, (tx) => tx.query("SELECT 2 AS n"))).rows[0]).toEqual({ n: 2 });
    } finally {
      await pool.end();
    }
  });
});
