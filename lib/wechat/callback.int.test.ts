import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sealMessage } from "@/lib/connectors/wechat/crypto";
import { computeUrlSignature } from "@/lib/connectors/wechat/signature";
import { db } from "@/lib/db";
import { isValidCode, normalizeCode } from "@/lib/identity/code";
import { issueCode } from "@/lib/identity/issue-code";
import { startWechatSandbox, WECHAT_SANDBOX_DEFAULTS, type TWechatSandbox } from "@/sandbox/wechat";
import { buildCallbackRequest } from "@/sandbox/wechat/phone";
import { renderWechatXml } from "@/sandbox/wechat/xml";
import { withFreshDatabase } from "@/test/db";
import { startCallbackHarness, type TCallbackHarness } from "./callback-harness";
import { forgetCachedConversationSettings } from "./conversation-settings";

withFreshDatabase();

const account = WECHAT_SANDBOX_DEFAULTS;
let harness: TCallbackHarness;
let wechat: TWechatSandbox;

beforeAll(async () => {
  harness = await startCallbackHarness({
    appId: account.appId,
    token: account.token,
    encodingAesKey: account.encodingAesKey,
  });
  wechat = await startWechatSandbox({
    port: 0,
    callbackUrl: harness.url,
    mode: "plain",
    callbackAttempts: 1,
  });
});

afterAll(async () => {
  await wechat?.close();
  await harness?.close();
});

beforeEach(() => {
  wechat.state.account.mode = "plain";
  forgetCachedConversationSettings();
});

const CODE_IN_TEXT = /\b([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4})\b/;

function codeOf(outcome: Awaited<ReturnType<TWechatSandbox["phone"]["click"]>>): string {
  expect(outcome.reply?.problem ?? null).toBeNull();
  const match = CODE_IN_TEXT.exec(outcome.reply?.message?.Content ?? "");
  expect(match, `reply: ${JSON.stringify(outcome.reply)}`).not.toBeNull();
  const code = normalizeCode(match![1]!)!;
  expect(isValidCode(code)).toBe(true);
  return code;
}

async function counts() {
  const [followers, codes, messages] = await Promise.all([
    db().wechatFollower.count(),
    db().userCode.count(),
    db().wechatMessage.count(),
  ]);
  return { followers, codes, messages };
}

async function post(query: URLSearchParams, body: string): Promise<Response> {
  const url = new URL(harness.url);
  for (const [k, v] of query) url.searchParams.set(k, v);
  return fetch(url, { method: "POST", headers: { "content-type": "text/xml" }, body });
}

describe("WeChat callback through the sandbox phone", () => {
  it("answers WeChat's URL verification", async () => {
    const result = await wechat.phone.verifyServer();
    expect(JSON.stringify(result)).toMatch(/ok|true/i);
  });

  it("CLICK GET_CODE → a code (plain mode); the same follower again → the same code", async () => {
    await wechat.phone.follow("o_plain_1");
    const code = codeOf(await wechat.phone.click("o_plain_1", "GET_CODE"));
    const row = await db().userCode.findUnique({ where: { openid: "o_plain_1" } });
    expect(row?.code).toBe(code);
    expect(codeOf(await wechat.phone.click("o_plain_1", "GET_CODE"))).toBe(code);
    expect(codeOf(await wechat.phone.sendText("o_plain_1", "请问验证码是多少？"))).toBe(code);
  });

  it("CLICK GET_CODE → an encrypted reply with the code (safe mode), also in compatible mode", async () => {
    wechat.state.account.mode = "safe";
    await wechat.phone.follow("o_safe_1");
    const outcome = await wechat.phone.click("o_safe_1", "GET_CODE");
    expect(outcome.reply?.encrypted).toBe(true);
    const code = codeOf(outcome);
    wechat.state.account.mode = "compatible";
    const again = await wechat.phone.click("o_safe_1", "GET_CODE");
    expect(again.reply?.encrypted).toBe(true);
    expect(codeOf(again)).toBe(code);
  });

  it("replies in the follower's language: English text gets the English template", async () => {
    await wechat.phone.follow("o_lang_1");
    const outcome = await wechat.phone.sendText("o_lang_1", "my code please");
    codeOf(outcome);
    expect(outcome.reply?.message?.Content).toMatch(/Your personal code/);
    // A later menu click (no text) remembers the language.
    expect((await wechat.phone.click("o_lang_1", "GET_CODE")).reply?.message?.Content).toMatch(
      /Your personal/,
    );
  });

  it("a follow through a campaign QR replies with the code and attributes the first touch only", async () => {
    const first = await db().campaign.create({ data: { name: "Open day", scene: "open-day" } });
    await db().campaign.create({ data: { name: "Article", scene: "article-ib" } });
    codeOf(await wechat.phone.follow("o_qr_1", { scene: "open-day" }));
    // Events dedupe on FromUserName + CreateTime (seconds), as WeChat's docs say: let time pass.
    wechat.state.advanceClock(1);
    await wechat.phone.unfollow("o_qr_1");
    wechat.state.advanceClock(1);
    const gone = await db().wechatFollower.findUniqueOrThrow({ where: { openid: "o_qr_1" } });
    expect(gone.unsubscribedAt).not.toBeNull();
    codeOf(await wechat.phone.follow("o_qr_1", { scene: "article-ib" }));
    const follower = await db().wechatFollower.findUniqueOrThrow({ where: { openid: "o_qr_1" } });
    expect(follower.campaignId).toBe(first.id);
    expect(follower.unsubscribedAt).toBeNull();
    expect(follower.subscribedAt).not.toBeNull();
  });

  it("unknown messages and menu keys get `success` and write nothing", async () => {
    await wechat.phone.follow("o_other_1");
    const before = await counts();
    const chatter = await wechat.phone.sendText("o_other_1", "Is there a bus to the campus?");
    expect(chatter.reply?.message).toBeNull();
    const menu = await wechat.phone.click("o_other_1", "ABOUT_US");
    expect(menu.reply?.message).toBeNull();
    expect(await counts()).toEqual(before);
  });

  it("100 concurrent requests for one OpenID yield one code", async () => {
    await wechat.phone.follow("o_burst_1");
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, () => wechat.phone.sendText("o_burst_1", "code")),
    );
    const codes = new Set(outcomes.map(codeOf));
    expect(codes.size).toBe(1);
    expect(await db().userCode.count({ where: { openid: "o_burst_1" } })).toBe(1);

    // And directly, for a follower nobody has seen yet (the follower row itself races too).
    const direct = await Promise.all(Array.from({ length: 100 }, () => issueCode({ openid: "o_burst_2" })));
    expect(new Set(direct.map((r) => r.code)).size).toBe(1);
    expect(direct.filter((r) => r.issued)).toHaveLength(1);
    expect(await db().userCode.count({ where: { openid: "o_burst_2" } })).toBe(1);
  });

  it("WeChat's retries of one message get the same reply and have one effect", async () => {
    wechat.state.account.mode = "safe";
    const xml = renderWechatXml([
      ["ToUserName", account.originalId],
      ["FromUserName", "o_retry_1"],
      ["CreateTime", 1_763_800_000],
      ["MsgType", "event"],
      ["Event", "CLICK"],
      ["EventKey", "GET_CODE"],
    ]);
    const send = async () => {
      const { query, body } = buildCallbackRequest(wechat.state, "o_retry_1", xml);
      const res = await post(query, body);
      expect(res.status).toBe(200);
      const reply = await res.text();
      const { readReply } = await import("@/sandbox/wechat/phone");
      const read = readReply(wechat.state, "o_retry_1", reply);
      expect(read.problem).toBeNull();
      return read.message!;
    };
    const first = await send();
    const retries = await Promise.all([send(), send(), send()]);
    for (const r of retries) expect(r).toEqual(first);
    expect(await db().wechatMessage.count({ where: { openid: "o_retry_1" } })).toBe(1);
    expect(await db().userCode.count({ where: { openid: "o_retry_1" } })).toBe(1);
  });

  it("copies of a new message arriving together get one reply and one effect; an unfollow's retry changes nothing", async () => {
    const click = renderWechatXml([
      ["ToUserName", account.originalId],
      ["FromUserName", "o_retry_2"],
      ["CreateTime", 1_763_800_050],
      ["MsgType", "event"],
      ["Event", "CLICK"],
      ["EventKey", "GET_CODE"],
    ]);
    const send = async (xml: string) => {
      const { query, body } = buildCallbackRequest(wechat.state, "o_retry_2", xml);
      const res = await post(query, body);
      expect(res.status).toBe(200);
      return res.text();
    };
    const replies = await Promise.all(Array.from({ length: 8 }, () => send(click)));
    expect(new Set(replies).size).toBe(1);
    expect(replies[0]).toMatch(CODE_IN_TEXT);
    expect(await db().wechatMessage.count({ where: { openid: "o_retry_2" } })).toBe(1);

    const leave = renderWechatXml([
      ["ToUserName", account.originalId],
      ["FromUserName", "o_retry_2"],
      ["CreateTime", 1_763_800_060],
      ["MsgType", "event"],
      ["Event", "unsubscribe"],
    ]);
    expect(await send(leave)).toBe("success");
    const left = await db().wechatFollower.findUniqueOrThrow({ where: { openid: "o_retry_2" } });
    expect(left.unsubscribedAt).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await send(leave)).toBe("success");
    const after = await db().wechatFollower.findUniqueOrThrow({ where: { openid: "o_retry_2" } });
    expect(after.unsubscribedAt).toEqual(left.unsubscribedAt);
    expect(await db().wechatMessage.count({ where: { openid: "o_retry_2" } })).toBe(2);
  });
});

describe("refusals change nothing", () => {
  const clickXml = (openid: string) =>
    renderWechatXml([
      ["ToUserName", account.originalId],
      ["FromUserName", openid],
      ["CreateTime", 1_763_800_100],
      ["MsgType", "event"],
      ["Event", "CLICK"],
      ["EventKey", "GET_CODE"],
    ]);

  function plainQuery(overrides: Record<string, string> = {}) {
    const timestamp = "1763800100";
    const nonce = "n0nce";
    return new URLSearchParams({
      signature: computeUrlSignature(account.token, timestamp, nonce),
      timestamp,
      nonce,
      openid: "o_bad",
      ...overrides,
    });
  }

  it("bad signature → 401", async () => {
    const before = await counts();
    const res = await post(plainQuery({ signature: "0".repeat(40) }), clickXml("o_bad"));
    expect(res.status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it("missing signature parameters → 400", async () => {
    const before = await counts();
    const res = await post(new URLSearchParams({ timestamp: "1" }), clickXml("o_bad"));
    expect(res.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it("malformed XML → 400", async () => {
    const before = await counts();
    for (const body of ["<xml><ToUserName>", "not xml at all", "", "<!DOCTYPE x [<!ENTITY a 'b'>]><xml/>"]) {
      const res = await post(plainQuery(), body);
      expect(res.status, body).toBe(400);
    }
    expect(await counts()).toEqual(before);
  });

  it("safe mode: wrong AppID → 403, bad msg_signature → 401, undecryptable → 400", async () => {
    const before = await counts();
    const timestamp = "1763800200";
    const nonce = "abc";
    const foreign = sealMessage(
      { token: account.token, encodingAesKey: account.encodingAesKey, appId: "wx0000000000000000" },
      clickXml("o_bad"),
      timestamp,
      nonce,
    );
    const envelope = (encrypt: string) =>
      `<xml><ToUserName><![CDATA[${account.originalId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
    const query = (msgSignature: string) =>
      new URLSearchParams({
        signature: computeUrlSignature(account.token, timestamp, nonce),
        timestamp,
        nonce,
        encrypt_type: "aes",
        msg_signature: msgSignature,
      });
    expect((await post(query(foreign.msgSignature), envelope(foreign.encrypt))).status).toBe(403);

    const good = sealMessage(
      { token: account.token, encodingAesKey: account.encodingAesKey, appId: account.appId },
      clickXml("o_bad"),
      timestamp,
      nonce,
    );
    expect((await post(query("f".repeat(40)), envelope(good.encrypt))).status).toBe(401);

    const garbage = Buffer.from("not a ciphertext at all, sixteen+").toString("base64");
    const { computeMsgSignature } = await import("@/lib/connectors/wechat/signature");
    const garbageSig = computeMsgSignature(account.token, timestamp, nonce, garbage);
    expect((await post(query(garbageSig), envelope(garbage))).status).toBe(400);
    expect(await counts()).toEqual(before);
  });
});
