import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { wechatReplyPushFunction, WECHAT_REPLY_PUSH_ID } from "@/inngest/functions/wechat-reply-push";
import { db } from "@/lib/db";
import { resetEnvCacheForTests } from "@/lib/env";
import { formatCode } from "@/lib/identity/code";
import { startWechatSandbox, WECHAT_SANDBOX_DEFAULTS, type TWechatSandbox } from "@/sandbox/wechat";
import { startAppInngest, waitFor, type TAppInngest } from "@/test/app-inngest";
import { withFreshDatabase } from "@/test/db";
import { startCallbackHarness, type TCallbackHarness } from "./callback-harness";
import { forgetCachedConversationSettings } from "./conversation-settings";

/**
 * The slow path: a reply not ready within the passive-reply budget (forced here with a budget of 0 ms) is
 * answered `success`, and `wechat-reply-push` sends the same code as a customer-service message — once.
 */
const database = withFreshDatabase();

const account = WECHAT_SANDBOX_DEFAULTS;
let wechat: TWechatSandbox;
let harness: TCallbackHarness;
let app: TAppInngest;

beforeAll(async () => {
  app = await startAppInngest({ functions: [wechatReplyPushFunction] });
  harness = await startCallbackHarness(
    { appId: account.appId, token: account.token, encodingAesKey: account.encodingAesKey },
    undefined,
    { budgetMs: 0 },
  );
  wechat = await startWechatSandbox({
    port: 0,
    callbackUrl: harness.url,
    mode: "plain",
    callbackAttempts: 1,
  });
  vi.stubEnv("DATABASE_URL", database.url());
  vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(32));
  vi.stubEnv("WECHAT_APP_ID", account.appId);
  vi.stubEnv("WECHAT_APP_SECRET", account.appSecret);
  vi.stubEnv("WECHAT_TOKEN", account.token);
  vi.stubEnv("WECHAT_API_BASE", wechat.url);
  resetEnvCacheForTests();
  forgetCachedConversationSettings();
}, 60_000);

afterAll(async () => {
  await wechat?.close();
  await harness?.close();
  await app?.close();
  vi.unstubAllEnvs();
  resetEnvCacheForTests();
});

async function pushedTo(openid: string): Promise<string> {
  const res = await fetch(`${wechat.url}/__sandbox/wechat/messages?openid=${openid}`);
  return JSON.stringify(await res.json());
}

describe("slow replies", () => {
  it("answers `success` in time, then pushes the code as a customer-service message once", async () => {
    // A subscribe event asks for the code too (a CLICK needs a follower, and the follow would defer as well).
    const outcome = await wechat.phone.follow("o_slow_1");
    // No passive reply: the callback answered `success`.
    expect(outcome.reply?.message?.Content ?? null).toBeNull();

    const [run] = await app.settled(WECHAT_REPLY_PUSH_ID, 1, 30_000);
    expect(run?.status).toBe("Completed");
    const code = await db().userCode.findUniqueOrThrow({ where: { openid: "o_slow_1" } });
    await waitFor(
      async () => (await pushedTo("o_slow_1")).includes(formatCode(code.code)),
      "the pushed code",
      10_000,
    );
    expect(await db().userCode.count({ where: { openid: "o_slow_1" } })).toBe(1);
    expect(await db().wechatMessage.count({ where: { openid: "o_slow_1" } })).toBe(1);
    // One push, not one per run or step retry.
    expect((await pushedTo("o_slow_1")).split(formatCode(code.code)).length - 1).toBe(1);
  }, 60_000);
});
