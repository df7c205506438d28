/**
 * Contract: the WeChat Official Account API as a client over `fetch` sees it — token lifecycle and
 * errcodes, the 48-hour customer-service window, parametric QR codes and the web OAuth code flow.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startWechatSandbox, type TWechatSandbox } from "./index";

let wechat: TWechatSandbox;
let appId: string;
let secret: string;

beforeAll(async () => {
  // No app behind the callback URL: the phone's deliveries fail fast, only state changes matter here.
  wechat = await startWechatSandbox({
    port: 0,
    callbackUrl: "http://127.0.0.1:9/api/wechat",
    callbackAttempts: 1,
    callbackTimeoutMs: 500,
  });
  ({ appId, appSecret: secret } = wechat.account);
});
afterAll(() => wechat.close());
beforeEach(() => wechat.reset());

async function getJson(path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${wechat.url}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function postJson(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${wechat.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function fetchToken(): Promise<string> {
  const r = await getJson(`/cgi-bin/token?grant_type=client_credential&appid=${appId}&secret=${secret}`);
  expect(r.expires_in).toBe(7200);
  return r.access_token as string;
}

async function advance(seconds: number) {
  await postJson("/__sandbox/wechat/clock", { advanceSeconds: seconds });
}

describe("access token", () => {
  it("answers credential errors with WeChat's errcodes in HTTP 200", async () => {
    expect(
      await getJson(`/cgi-bin/token?grant_type=client_credential&appid=wxnope&secret=${secret}`),
    ).toMatchObject({ errcode: 40013 });
    expect(
      await getJson(`/cgi-bin/token?grant_type=client_credential&appid=${appId}&secret=wrong`),
    ).toMatchObject({ errcode: 40125 });
    expect(await getJson(`/cgi-bin/token?grant_type=password&appid=${appId}&secret=${secret}`)).toMatchObject(
      { errcode: 40002 },
    );
    const err = await getJson(`/cgi-bin/token?grant_type=client_credential&appid=wxnope&secret=x`);
    expect(err.errmsg).toMatch(/^invalid appid rid: /);
  });

  it("rotates: the old token works for 5 minutes, then 40001; every token expires after 7200 s (42001)", async () => {
    const old = await fetchToken();
    const fresh = await fetchToken();
    expect(fresh).not.toBe(old);
    const qr = (token: string) =>
      postJson(`/cgi-bin/qrcode/create?access_token=${token}`, {
        action_name: "QR_LIMIT_STR_SCENE",
        action_info: { scene: { scene_str: "x" } },
      });
    expect((await qr(old)).ticket).toBeDefined();
    await advance(301);
    expect(await qr(old)).toMatchObject({ errcode: 40001 });
    expect((await qr(fresh)).ticket).toBeDefined();
    await advance(7200);
    expect(await qr(fresh)).toMatchObject({ errcode: 42001 });
    expect(await postJson("/cgi-bin/qrcode/create", {})).toMatchObject({ errcode: 41001 });
  });

  it("returns the same stable token until force_refresh", async () => {
    const a = await postJson("/cgi-bin/stable_token", {
      grant_type: "client_credential",
      appid: appId,
      secret,
    });
    const b = await postJson("/cgi-bin/stable_token", {
      grant_type: "client_credential",
      appid: appId,
      secret,
    });
    expect(b.access_token).toBe(a.access_token);
    const c = await postJson("/cgi-bin/stable_token", {
      grant_type: "client_credential",
      appid: appId,
      secret,
      force_refresh: true,
    });
    expect(c.access_token).not.toBe(a.access_token);
    expect(
      await postJson("/cgi-bin/stable_token", {
        grant_type: "client_credential",
        appid: appId,
        secret: "bad",
      }),
    ).toMatchObject({ errcode: 40125 });
  });
});

describe("customer-service messages", () => {
  it("sends within 48 hours of the follower's last interaction, then errcode 45015", async () => {
    const token = await fetchToken();
    await wechat.phone.follow("o_student");
    const send = () =>
      postJson(`/cgi-bin/message/custom/send?access_token=${token}`, {
        touser: "o_student",
        msgtype: "text",
        text: { content: "Your code is AB12-C" },
      });
    expect(await send()).toEqual({ errcode: 0, errmsg: "ok" });
    await advance(48 * 3600 + 1);
    const refreshed = await fetchToken();
    expect(
      await postJson(`/cgi-bin/message/custom/send?access_token=${refreshed}`, {
        touser: "o_student",
        msgtype: "text",
        text: { content: "late" },
      }),
    ).toMatchObject({ errcode: 45015 });
    const sent = await getJson("/__sandbox/wechat/messages?openid=o_student");
    expect(sent.messages).toEqual([
      expect.objectContaining({ touser: "o_student", content: "Your code is AB12-C" }),
    ]);
    expect(
      await postJson(`/cgi-bin/message/custom/send?access_token=${refreshed}`, {
        touser: "o_stranger",
        msgtype: "text",
        text: { content: "x" },
      }),
    ).toMatchObject({ errcode: 40003 });
  });
});

describe("QR codes", () => {
  it("creates a temporary string-scene code and serves its PNG; a scan subscribes with qrscene_", async () => {
    const token = await fetchToken();
    const created = await postJson(`/cgi-bin/qrcode/create?access_token=${token}`, {
      expire_seconds: 604800,
      action_name: "QR_STR_SCENE",
      action_info: { scene: { scene_str: "campaign-open-day" } },
    });
    expect(created).toMatchObject({ expire_seconds: 604800 });
    expect(created.url).toMatch(/^http:\/\/weixin\.qq\.com\/q\//);
    const png = await fetch(
      `${wechat.url}/cgi-bin/showqrcode?ticket=${encodeURIComponent(created.ticket as string)}`,
    );
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    const bytes = Buffer.from(await png.arrayBuffer());
    expect(bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    await wechat.phone.follow("o_scan", { ticket: created.ticket as string });
    expect(wechat.state.followers.get("o_scan")).toMatchObject({
      subscribed: true,
      scene: "campaign-open-day",
    });
    expect(
      await postJson(`/cgi-bin/qrcode/create?access_token=${token}`, { action_name: "QR_NOPE" }),
    ).toMatchObject({ errcode: 40052 });
    expect(
      await postJson(`/cgi-bin/qrcode/create?access_token=${token}`, {
        action_name: "QR_STR_SCENE",
        action_info: { scene: {} },
      }),
    ).toMatchObject({ errcode: 40053 });
    expect((await fetch(`${wechat.url}/cgi-bin/showqrcode?ticket=unknown`)).status).toBe(404);
  });
});

describe("web OAuth", () => {
  it("redirects the current follower with a single-use code that yields the OpenID", async () => {
    await postJson("/__sandbox/wechat/oauth/current-follower", { openid: "o_parent" });
    const redirect = encodeURIComponent("http://127.0.0.1:3000/api/wechat/oauth?next=/form");
    const res = await fetch(
      `${wechat.url}/connect/oauth2/authorize?appid=${appId}&redirect_uri=${redirect}&response_type=code&scope=snsapi_base&state=xyz#wechat_redirect`,
      { redirect: "manual" },
    );
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location")!);
    expect(location.pathname).toBe("/api/wechat/oauth");
    expect(location.searchParams.get("next")).toBe("/form");
    expect(location.searchParams.get("state")).toBe("xyz");
    const code = location.searchParams.get("code")!;
    const exchange = (c: string) =>
      getJson(
        `/sns/oauth2/access_token?appid=${appId}&secret=${secret}&code=${c}&grant_type=authorization_code`,
      );
    expect(await exchange(code)).toMatchObject({
      openid: "o_parent",
      scope: "snsapi_base",
      expires_in: 7200,
    });
    expect(await exchange(code)).toMatchObject({ errcode: 40163 });
    expect(await exchange("made-up")).toMatchObject({ errcode: 40029 });
  });

  it("expires codes after 5 minutes and needs a current follower", async () => {
    wechat.phone.setCurrentFollower("o_late");
    const res = await fetch(
      `${wechat.url}/connect/oauth2/authorize?appid=${appId}&redirect_uri=${encodeURIComponent("http://x.test/cb")}&response_type=code&scope=snsapi_base`,
      { redirect: "manual" },
    );
    const code = new URL(res.headers.get("location")!).searchParams.get("code")!;
    await advance(300);
    expect(
      await getJson(
        `/sns/oauth2/access_token?appid=${appId}&secret=${secret}&code=${code}&grant_type=authorization_code`,
      ),
    ).toMatchObject({ errcode: 40029 });
    wechat.phone.setCurrentFollower(null);
    const outside = await fetch(
      `${wechat.url}/connect/oauth2/authorize?appid=${appId}&redirect_uri=${encodeURIComponent("http://x.test/cb")}&response_type=code&scope=snsapi_base`,
      { redirect: "manual" },
    );
    expect(outside.status).toBe(200);
    expect(await outside.text()).toContain("请在微信客户端打开链接");
  });
});
