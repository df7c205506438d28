import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { generateCode } from "@/lib/identity/code";
import { withFreshDatabase } from "@/test/db";

/**
 * A WeChat touch keeps the follower's FunnelFact as the funnel triggers would, with one recompute:
 * `wechat_touch` writes the follower and the code with the triggers standing aside for that person
 * (migration 20261124074500), then notes the person and refreshes it once. Each case runs in one
 * transaction and counts the refreshes it made (pg_stat_get_xact_function_calls, track_functions on),
 * and compares the fact with values taken from the fixture and with a recompute from scratch.
 */

const database = withFreshDatabase();

type TFact = {
  campaignId: string | null;
  firstTouchAt: Date | null;
  codeIssuedAt: Date | null;
  contactLinkedAt: Date | null;
  lifecycleRank: number;
};

const FACT_SQL = `SELECT "campaignId", "firstTouchAt", "codeIssuedAt", "contactLinkedAt", "lifecycleRank"
                    FROM "FunnelFact" WHERE openid = $1`;

/**
 * Runs `work` in one transaction; returns how many funnel refreshes and person notes it made, with
 * the fact after it.
 */
async function counted(
  openid: string,
  work: (c: pg.Client) => Promise<void>,
): Promise<{ refreshes: number; notes: number; fact: TFact | undefined }> {
  const c = new pg.Client({ connectionString: database.url() });
  await c.connect();
  try {
    await c.query("BEGIN");
    await c.query("SET LOCAL track_functions = 'all'");
    await work(c);
    const { rows } = await c.query<{ refreshes: string; notes: string }>(
      `SELECT pg_stat_get_xact_function_calls('warehouse_refresh_funnel_facts'::regproc) AS refreshes,
              (SELECT count(*) FROM "WarehouseFactChange" WHERE kind = 'person' AND key = $1) AS notes`,
      [openid],
    );
    const fact = (await c.query<TFact>(FACT_SQL, [openid])).rows[0];
    await c.query("COMMIT");
    return { refreshes: Number(rows[0]!.refreshes ?? 0), notes: Number(rows[0]!.notes), fact };
  } finally {
    await c.end();
  }
}

/** wechat_touch as the callback calls it: a message with a reply, the code issued or read. */
function touch(
  c: pg.Client,
  openid: string,
  options: { subscribe?: string | null; language?: string | null; candidates?: string[] } = {},
) {
  return c.query(
    `SELECT * FROM wechat_touch($1, $2, $3, $4, true, $5, $6, 'event', 'subscribe', '<zh>#</zh>', '<en>#</en>', 'zh', '#')`,
    [
      openid,
      options.language ?? null,
      options.subscribe !== undefined,
      options.subscribe ?? null,
      options.candidates ?? [generateCode(), generateCode()],
      `evt:${openid}:${generateCode()}`,
    ],
  );
}

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: database.url() });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

/** The fact recomputed from scratch by the function every trigger uses. */
async function recomputed(openid: string): Promise<TFact | undefined> {
  await sql(`DELETE FROM "FunnelFact" WHERE openid = $1`, [openid]);
  await sql(`SELECT warehouse_refresh_funnel_facts(ARRAY[$1])`, [openid]);
  return (await sql<TFact>(FACT_SQL, [openid]))[0];
}

beforeAll(async () => {
  await sql(`INSERT INTO "Campaign" (id, name, scene) VALUES ('cmp', 'Campaign', 'qr1')`);
});

describe("funnel facts of a WeChat touch", () => {
  it("a new follower from a QR scene: one refresh, one note, the fact of follower and code", async () => {
    const run = await counted("o_new", (c) => touch(c, "o_new", { subscribe: "qr1" }).then(() => undefined));
    const [follower] = await sql<{ subscribedAt: Date; issuedAt: Date }>(
      `SELECT f."subscribedAt", u."issuedAt" FROM "WechatFollower" f JOIN "UserCode" u USING (openid)
        WHERE openid = 'o_new'`,
    );
    expect(run.refreshes).toBe(1);
    expect(run.notes).toBe(1);
    expect(run.fact).toEqual({
      campaignId: "cmp",
      firstTouchAt: follower!.subscribedAt,
      codeIssuedAt: follower!.issuedAt,
      contactLinkedAt: null,
      lifecycleRank: 0,
    });
    expect(await recomputed("o_new")).toEqual(run.fact);
  });

  it("a returning follower: no refresh when nothing changes, one when the follow time does", async () => {
    await counted("o_back", (c) => touch(c, "o_back").then(() => undefined));
    const [before] = await sql<TFact>(FACT_SQL, ["o_back"]);
    expect(before?.campaignId).toBeNull();
    expect(before?.codeIssuedAt).toBeInstanceOf(Date);

    const same = await counted("o_back", (c) => touch(c, "o_back").then(() => undefined));
    expect(same.refreshes).toBe(0);
    expect(same.fact).toEqual(before);

    // A later QR follow: first touch stays the earlier one, the campaign is the scene's.
    const followed = await counted("o_back", (c) =>
      touch(c, "o_back", { subscribe: "qr1" }).then(() => undefined),
    );
    expect(followed.refreshes).toBe(1);
    expect(followed.fact).toEqual({ ...before, campaignId: "cmp" });
    expect(await recomputed("o_back")).toEqual(followed.fact);
  });

  it("a new follower whose candidates all collide: recorded without a code, refreshed once", async () => {
    const taken = generateCode();
    await counted("o_owner", (c) => touch(c, "o_owner", { candidates: [taken] }).then(() => undefined));
    const run = await counted("o_unlucky", async (c) => {
      const { rows } = await touch(c, "o_unlucky", { candidates: [taken] });
      expect(rows[0]).toMatchObject({ code8: null, issued: false });
    });
    expect(run.refreshes).toBe(1);
    expect(run.fact).toMatchObject({ codeIssuedAt: null, campaignId: null });
    expect(run.fact?.firstTouchAt).toBeInstanceOf(Date);
    expect(await recomputed("o_unlucky")).toEqual(run.fact);
  });

  it("leaves the triggers on after the touch: a later write in the same transaction is refreshed", async () => {
    const run = await counted("o_then", async (c) => {
      await touch(c, "o_then");
      await c.query(`UPDATE "WechatFollower" SET "campaignId" = 'cmp' WHERE openid = 'o_then'`);
    });
    expect(run.refreshes).toBe(2);
    expect(run.fact?.campaignId).toBe("cmp");
    expect(run.fact?.codeIssuedAt).toBeInstanceOf(Date);
  });

  it("a statement that changes no row recomputes and notes nothing", async () => {
    const run = await counted("o_nobody", async (c) => {
      await c.query(`UPDATE "WechatFollower" SET "campaignId" = 'cmp' WHERE openid = 'o_nobody'`);
      await c.query(`DELETE FROM "UserCode" WHERE openid = 'o_nobody'`);
      await c.query(`UPDATE "IdentityLink" SET "linkedAt" = now() WHERE "personId" = 'o_nobody'`);
    });
    expect(run).toEqual({ refreshes: 0, notes: 0, fact: undefined });
  });
});
