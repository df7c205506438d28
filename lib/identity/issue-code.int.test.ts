import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { generateCode } from "@/lib/identity/code";
import { CODE_SLOT, issueCode, touchForMessage } from "@/lib/identity/issue-code";
import { withFreshDatabase } from "@/test/db";

withFreshDatabase();

type TRow = { reply_xml: string | null; duplicate: boolean; code8: string | null; issued: boolean };

/** Calls wechat_touch with chosen candidates, which issueCode draws at random. */
async function touchWith(openid: string, candidates: string[]): Promise<TRow> {
  const [row] = await db().$queryRaw<TRow[]>`
    SELECT * FROM wechat_touch(${openid}::text, NULL::text, false, NULL::text, true, ${candidates}::text[],
                               NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, 'x')`;
  return row!;
}

describe("wechat_touch", () => {
  it("skips a candidate that is another follower's code, and issues nothing when all collide", async () => {
    const taken = (await issueCode({ openid: "o_first" })).code!;
    const fresh = generateCode();
    const row = await touchWith("o_second", [taken, fresh]);
    expect(row).toMatchObject({ code8: fresh, issued: true });

    const none = await touchWith("o_third", [taken, fresh]);
    expect(none).toMatchObject({ code8: null, issued: false });
    expect(await db().userCode.count({ where: { openid: "o_third" } })).toBe(0);
    expect(await db().userCode.findUnique({ where: { code: taken } })).toMatchObject({ openid: "o_first" });
  });

  it("renders the reply in the follower's language, else the default, and replays it for the same key", async () => {
    const replies = { zh: `<zh>${CODE_SLOT}</zh>`, en: `<en>${CODE_SLOT}!</en>` };
    const message = (dedupeKey: string) => ({
      dedupeKey,
      msgType: "event",
      event: "CLICK",
      replies,
      defaultLanguage: "en" as const,
    });
    const first = await touchForMessage({ openid: "o_lang" }, message("evt:o_lang:1:CLICK"));
    const code = first.code!;
    expect(first.reply).toBe(`<en>${code.slice(0, 4)}-${code.slice(4)}!</en>`);

    const zh = await touchForMessage({ openid: "o_lang", language: "zh" }, message("msg:2"));
    expect(zh).toMatchObject({ code, issued: false, duplicate: false, language: "zh" });
    expect(zh.reply).toBe(`<zh>${code.slice(0, 4)}-${code.slice(4)}</zh>`);

    const retry = await touchForMessage({ openid: "o_lang" }, message("evt:o_lang:1:CLICK"));
    expect(retry).toMatchObject({ duplicate: true, reply: first.reply, code: null });
    expect(await db().wechatMessage.count({ where: { openid: "o_lang" } })).toBe(2);
  });

  it("only reads a returning follower who changes nothing (no update, not even a row lock)", async () => {
    const first = await issueCode({ openid: "o_again", language: "en" });
    const tuple = () =>
      db().$queryRaw<{ xmin: string; xmax: string }[]>`
        SELECT xmin::text, xmax::text FROM "WechatFollower" WHERE "openid" = 'o_again'`;
    const before = await tuple();
    const again = await issueCode({ openid: "o_again" });
    expect(again).toEqual({ code: first.code, issued: false, language: "en" });
    expect(await tuple()).toEqual(before);
    await issueCode({ openid: "o_again", language: "zh" });
    expect(await tuple()).not.toEqual(before);
  });
});
