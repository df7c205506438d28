import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderRejectedError } from "@/lib/connectors/errors";
import { db } from "@/lib/db";
import { isValidCode, normalizeCode } from "@/lib/identity/code";
import { startWechatSandbox, WECHAT_SANDBOX_DEFAULTS, type TWechatSandbox } from "@/sandbox/wechat";
import { withFreshDatabase } from "@/test/db";
import { exchangeOauthCode, sendCustomerServiceText } from "./api";
import { codeForOpenid } from "./code-service";
import type { TWechatApiConfig } from "./config";

withFreshDatabase();

const account = WECHAT_SANDBOX_DEFAULTS;
let wechat: TWechatSandbox;
let config: TWechatApiConfig;

beforeAll(async () => {
  wechat = await startWechatSandbox({ port: 0, callbackUrl: "http://127.0.0.1:9/none", callbackAttempts: 1 });
  config = { appId: account.appId, appSecret: account.appSecret, apiBase: wechat.url };
});

afterAll(async () => {
  await wechat?.close();
});

/** What the reader's WeChat browser does: open the authorize URL, follow WeChat's redirect back. */
async function authorize(openid: string): Promise<string> {
  wechat.phone.setCurrentFollower(openid);
  const params = new URLSearchParams({
    appid: account.appId,
    redirect_uri: "http://127.0.0.1:3000/wechat/code",
    response_type: "code",
    scope: "snsapi_base",
    state: "s1",
  });
  const res = await fetch(`${wechat.url}/connect/oauth2/authorize?${params}`, { redirect: "manual" });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get("location")!);
  expect(back.searchParams.get("state")).toBe("s1");
  return back.searchParams.get("code")!;
}

describe("web OAuth and the code API", () => {
  it("exchanges an OAuth code for the OpenID (once), then issues the code", async () => {
    const oauthCode = await authorize("o_web_reader_1");
    expect(await exchangeOauthCode(config, oauthCode)).toBe("o_web_reader_1");
    await expect(exchangeOauthCode(config, oauthCode)).rejects.toBeInstanceOf(ProviderRejectedError);

    const first = await codeForOpenid({
      openid: "o_web_reader_1",
      ip: "198.51.100.1",
      language: "en",
      limits: {
        perOpenid: { capacity: 5, refillPerSecond: 0.01 },
        perIp: { capacity: 100, refillPerSecond: 1 },
      },
    });
    expect(first.openid).toBe("o_web_reader_1");
    expect(first.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(isValidCode(normalizeCode(first.code)!)).toBe(true);
    const follower = await db().wechatFollower.findUniqueOrThrow({ where: { openid: "o_web_reader_1" } });
    expect(follower.language).toBe("en");
    expect(follower.subscribedAt).toBeNull();
  });

  it("rate-limits per OpenID and per IP", async () => {
    const limits = {
      perOpenid: { capacity: 2, refillPerSecond: 0.001 },
      perIp: { capacity: 3, refillPerSecond: 0.001 },
    };
    const ask = (openid: string, ip: string) => codeForOpenid({ openid, ip, limits });
    await ask("o_limited_1", "203.0.113.1");
    await ask("o_limited_1", "203.0.113.1");
    await expect(ask("o_limited_1", "203.0.113.2")).rejects.toMatchObject({ code: "rate_limited" });
    await ask("o_limited_2", "203.0.113.3");
    await ask("o_limited_3", "203.0.113.3");
    await ask("o_limited_4", "203.0.113.3");
    await expect(ask("o_limited_5", "203.0.113.3")).rejects.toMatchObject({ code: "rate_limited" });
    await expect(ask("not an openid!", "203.0.113.9")).rejects.toMatchObject({ code: "bad_request" });
  });

  it("sends a customer-service message with a cached access token", async () => {
    await wechat.phone.follow("o_cs_1");
    await sendCustomerServiceText(config, "o_cs_1", "hello");
    await sendCustomerServiceText(config, "o_cs_1", "again");
    const res = await fetch(`${wechat.url}/__sandbox/wechat/messages?openid=o_cs_1`);
    expect(JSON.stringify(await res.json())).toContain("again");
    expect(wechat.state.tokens.length).toBe(1);
  });
});
