import { describe, expect, it } from "vitest";
import { HttpResponseError, type TStandInRequest } from "@/sandbox/core";
import { sendCustomMessage } from "./messages";
import { createWechatState, type TWechatAccount } from "./state";
import { checkAppCredentials, issueToken, requireAccessToken } from "./tokens";

const account: TWechatAccount = {
  appId: "wxsandbox000001",
  appSecret: "right-secret",
  originalId: "gh_sandbox",
  token: "tok",
  encodingAesKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
  callbackUrl: "http://127.0.0.1:1/api/wechat",
  mode: "safe",
};

function errcodeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof HttpResponseError) return (e.response.body as { errcode: number }).errcode;
    throw e;
  }
  return undefined;
}

const withToken = (token?: string) =>
  ({ query: new URLSearchParams(token ? { access_token: token } : {}) }) as TStandInRequest;

describe("access tokens", () => {
  it("checks credentials with WeChat's errcodes", () => {
    const state = createWechatState(account);
    expect(errcodeOf(() => checkAppCredentials(state, "wxother", "right-secret"))).toBe(40013);
    expect(errcodeOf(() => checkAppCredentials(state, account.appId, "wrong"))).toBe(40125);
    expect(errcodeOf(() => checkAppCredentials(state, undefined, "x"))).toBe(41002);
    expect(errcodeOf(() => checkAppCredentials(state, account.appId, "right-secret"))).toBeUndefined();
  });

  it("keeps the previous token valid for 5 minutes after a new one, then refuses it (40001)", () => {
    const state = createWechatState(account, () => 0);
    const first = issueToken(state, "normal");
    state.advanceClock(60);
    const second = issueToken(state, "normal");
    expect(errcodeOf(() => requireAccessToken(state, withToken(first.token)))).toBeUndefined();
    state.advanceClock(299);
    expect(errcodeOf(() => requireAccessToken(state, withToken(first.token)))).toBeUndefined();
    state.advanceClock(1);
    expect(errcodeOf(() => requireAccessToken(state, withToken(first.token)))).toBe(40001);
    expect(errcodeOf(() => requireAccessToken(state, withToken(second.token)))).toBeUndefined();
  });

  it("expires tokens after 7200 s (42001) and reports missing ones (41001)", () => {
    const state = createWechatState(account, () => 0);
    const t = issueToken(state, "stable");
    state.advanceClock(7200);
    expect(errcodeOf(() => requireAccessToken(state, withToken(t.token)))).toBe(42001);
    expect(errcodeOf(() => requireAccessToken(state, withToken()))).toBe(41001);
    expect(errcodeOf(() => requireAccessToken(state, withToken("made-up")))).toBe(40001);
  });
});

describe("customer-service window", () => {
  it("allows text within 48 hours of the last interaction, then answers 45015", () => {
    const state = createWechatState(account, () => 0);
    const f = state.follower("o_1");
    f.subscribed = true;
    f.lastInteractionAt = state.now();
    const body = { touser: "o_1", msgtype: "text", text: { content: "hello" } };
    state.advanceClock(48 * 3600);
    expect(errcodeOf(() => sendCustomMessage(state, body))).toBeUndefined();
    state.advanceClock(1);
    expect(errcodeOf(() => sendCustomMessage(state, body))).toBe(45015);
    expect(state.sentMessages).toHaveLength(1);
    expect(errcodeOf(() => sendCustomMessage(state, { ...body, touser: "o_unknown" }))).toBe(40003);
    expect(errcodeOf(() => sendCustomMessage(state, { ...body, msgtype: "video" }))).toBe(40008);
  });
});
