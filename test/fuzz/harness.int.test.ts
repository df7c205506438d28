/**
 * The fuzz harness's own checks can fail: a write is counted (per table), a change shows in the
 * fingerprint, and a property whose handler writes is reported with the table it wrote.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { withFreshDatabase } from "@/test/db";
import { stubAppEnv } from "@/test/env";
import {
  changedTables,
  dbFingerprint,
  installWriteCounter,
  writeCounts,
  writesBetween,
} from "./support/db-state";
import { fuzzNoChange } from "./support/property";

const database = withFreshDatabase();

beforeAll(async () => {
  stubAppEnv(database.url());
  await installWriteCounter();
});

describe("fuzz harness", () => {
  it("counts writes per table and sees them in the fingerprint; lastUsedAt alone is not a change", async () => {
    const key = await db().apiKey.create({ data: { name: "k", prefix: "rbk_x", hash: "h1", scopes: [] } });
    const before = await writeCounts();
    const fingerprint = await dbFingerprint();
    await db().team.create({ data: { teamId: "t1", name: "T" } });
    await db().apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } });
    expect(writesBetween(before, await writeCounts())).toEqual({ Team: 1 });
    expect(changedTables(fingerprint, await dbFingerprint())).toEqual(["Team"]);
  });

  it("fails a property whose handler writes, naming the table", async () => {
    const error = (await fuzzNoChange(
      fc.integer(),
      async (n) => {
        await db().team.create({ data: { teamId: `t_${n}_${Math.random()}`, name: "T" } });
      },
      { runs: 3 },
    ).catch((e: unknown) => e)) as Error & { cause?: Error };
    expect(error.message).toMatch(/Property failed/);
    expect(error.cause?.message).toMatch(/rows written.*Team/s);
  });
});
