/**
 * Chaos for signatures: skewed clocks and replays, for Stripe, HubSpot and WeChat, through the code the
 * routes run. A delivery signed outside the 5-minute window (past or future) is refused; a delivery that
 * was valid, re-sent after its window, is refused; re-sent within the window (or re-signed, as providers
 * retry) it is deduplicated — stored and handed off once. Refusals write nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as wechatPost } from "@/app/api/wechat/route";
import { sealMessage } from "@/lib/connectors/wechat/crypto";
import { db } from "@/lib/db";
import type { TInngestEvent, TSendEvents } from "@/lib/inbox/hand-off";
import { receiveHubspotWebhook, receiveStripeWebhook } from "@/lib/inbox/receive";
import { forgetCachedConversationSettings } from "@/lib/wechat/conversation-settings";
import { withFreshDatabase } from "@/test/db";
import { restoreAppEnv, stubAppEnv } from "@/test/env";
import { installWriteCounter, writeCounts, writesBetween } from "./support/db-state";
import { fuzzRequest } from "./support/http";
import { quietRefusalLogs } from "./support/property";
import { hubspotSignature, nowS, stripeSignature, wechatQuery } from "./support/signers";

const database = withFreshDatabase();
const APP_URL = "https://revbridge.example";
const STRIPE_SECRET = "whsec_replay";
const HUBSPOT_SECRET = "hubspot-replay";
const HUBSPOT_URL = `${APP_URL}/api/webhooks/hubspot`;
const WECHAT = {
  appId: "wxreplay00000001",
  token: "replaytoken",
  encodingAesKey: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq",
};

let sent: TInngestEvent[] = [];
const recorder: TSendEvents = (events) => {
  sent.push(...events);
  return Promise.resolve();
};

beforeAll(async () => {
  quietRefusalLogs();
  stubAppEnv(database.url(), {
    APP_URL,
    STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
    HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET,
    WECHAT_APP_ID: WECHAT.appId,
    WECHAT_TOKEN: WECHAT.token,
    WECHAT_ENCODING_AES_KEY: WECHAT.encodingAesKey,
  });
  forgetCachedConversationSettings();
  await installWriteCounter();
});
afterAll(() => restoreAppEnv());
afterEach(() => {
  vi.useRealTimers();
  sent = [];
});

/** Moves this process's clock (Date only; timers and I/O keep running) by `seconds`. */
function clockAhead(seconds: number): void {
  const now = Date.now();
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(now + seconds * 1000);
}

async function expectNoWrites<T>(work: () => Promise<T>): Promise<T> {
  const before = await writeCounts();
  const result = await work();
  expect(writesBetween(before, await writeCounts())).toEqual({});
  return result;
}

// ---------------------------------------------------------------- Stripe
const stripeEvent = (id: string) =>
  JSON.stringify({
    id,
    object: "event",
    type: "customer.created",
    created: 1,
    data: { object: { id: `cus_${id}` } },
  });
const stripeRequest = (body: string, signature: string) =>
  fuzzRequest(`${APP_URL}/api/webhooks/stripe`, { body, headers: { "stripe-signature": signature } });

describe("Stripe: skewed clocks and replays", () => {
  it.each([
    ["5 min + 1 s old", -301],
    ["a day old", -86_400],
    ["5 min + 1 s ahead", 301],
    ["a day ahead", 86_400],
  ])("refuses a signature %s and writes nothing", async (_, skewS) => {
    const body = stripeEvent(`evt_skew${skewS < 0 ? "m" : "p"}${Math.abs(skewS)}`);
    await expectNoWrites(() =>
      expect(
        receiveStripeWebhook(
          stripeRequest(body, stripeSignature(body, STRIPE_SECRET, nowS() + skewS)),
          recorder,
        ),
      ).rejects.toMatchObject({ status: 400 }),
    );
    expect(sent).toEqual([]);
  });

  it("accepts signatures just inside the window either way (the boundary is the window, not luck)", async () => {
    for (const skewS of [-290, 290]) {
      const body = stripeEvent(`evt_inside${skewS < 0 ? "m" : "p"}`);
      await expect(
        receiveStripeWebhook(
          stripeRequest(body, stripeSignature(body, STRIPE_SECRET, nowS() + skewS)),
          recorder,
        ),
      ).resolves.toMatchObject({ accepted: 1 });
    }
  });

  it("stores a delivery replayed within the window once, and refuses the same bytes re-sent after it", async () => {
    const body = stripeEvent("evt_replayed");
    const signature = stripeSignature(body, STRIPE_SECRET, nowS());
    const results = await Promise.all(
      Array.from({ length: 5 }, () => receiveStripeWebhook(stripeRequest(body, signature), recorder)),
    );
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(1);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(4);
    expect(sent.map((e) => e.id)).toEqual(["webhook:STRIPE:evt_replayed"]);
    expect(await db().webhookEvent.count({ where: { dedupeKey: "evt_replayed" } })).toBe(1);

    clockAhead(10 * 60);
    await expectNoWrites(() =>
      expect(receiveStripeWebhook(stripeRequest(body, signature), recorder)).rejects.toMatchObject({
        status: 400,
      }),
    );
    expect(sent).toHaveLength(1);
  });
});

// ---------------------------------------------------------------- HubSpot
const contactEvent = (eventId: number) => ({
  eventId,
  subscriptionId: 1,
  portalId: 1,
  occurredAt: 1_700_000_000_000 + eventId,
  subscriptionType: "contact.creation",
  attemptNumber: 0,
  objectId: 5000 + eventId,
});
function hubspotRequest(body: string, timestampMs: number): Request {
  return fuzzRequest(HUBSPOT_URL, {
    body,
    headers: {
      "x-hubspot-signature-v3": hubspotSignature(HUBSPOT_URL, body, HUBSPOT_SECRET, timestampMs),
      "x-hubspot-request-timestamp": String(timestampMs),
    },
  });
}

describe("HubSpot: skewed clocks and replays", () => {
  it.each([
    ["5 min + 1 s old", -301],
    ["an hour old", -3_600],
    ["5 min + 1 s ahead", 301],
    ["an hour ahead", 3_600],
  ])("refuses a signature %s and writes nothing", async (_, skewS) => {
    const body = JSON.stringify([contactEvent(100 + skewS)]);
    await expectNoWrites(() =>
      expect(
        receiveHubspotWebhook(hubspotRequest(body, Date.now() + skewS * 1000), recorder),
      ).rejects.toMatchObject({
        status: 400,
      }),
    );
    expect(sent).toEqual([]);
  });

  it("dedupes a batch replayed or re-signed within the window, and refuses the same request after it", async () => {
    const body = JSON.stringify([contactEvent(1), contactEvent(2)]);
    const request = () => hubspotRequest(body, Date.now());
    const first = await receiveHubspotWebhook(request(), recorder);
    expect(first).toMatchObject({ accepted: 2, duplicates: 0 });
    // HubSpot's own retries are re-signed with a new timestamp: still the same deliveries.
    const again = await Promise.all([1, 2, 3].map(() => receiveHubspotWebhook(request(), recorder)));
    expect(again.map((r) => r.accepted)).toEqual([0, 0, 0]);
    expect(new Set(sent.map((e) => e.id)).size).toBe(2);
    expect(await db().webhookEvent.count({ where: { provider: "HUBSPOT" } })).toBe(2);

    const captured = hubspotRequest(body, Date.now());
    const replay = () => fuzzRequest(HUBSPOT_URL, { body, headers: Object.fromEntries(captured.headers) });
    clockAhead(6 * 60);
    await expectNoWrites(() =>
      expect(receiveHubspotWebhook(replay(), recorder)).rejects.toMatchObject({ status: 400 }),
    );
  });
});

// ---------------------------------------------------------------- WeChat
const clickXml = (openid: string, msgTime: number) =>
  `<xml><ToUserName><![CDATA[gh_replay]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName>` +
  `<CreateTime>${msgTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event>` +
  `<EventKey><![CDATA[GET_CODE]]></EventKey></xml>`;

function wechatRequest(xml: string, timestampS: number, aes: boolean): Request {
  if (!aes) {
    return fuzzRequest(`${APP_URL}/api/wechat?${wechatQuery(WECHAT.token, timestampS, "n1").toString()}`, {
      body: xml,
    });
  }
  const sealed = sealMessage(WECHAT, xml, String(timestampS), "n2");
  const query = wechatQuery(WECHAT.token, timestampS, "n2");
  query.set("encrypt_type", "aes");
  query.set("msg_signature", sealed.msgSignature);
  return fuzzRequest(`${APP_URL}/api/wechat?${query.toString()}`, {
    body: `<xml><ToUserName>gh_replay</ToUserName><Encrypt><![CDATA[${sealed.encrypt}]]></Encrypt></xml>`,
  });
}

describe.each([
  ["plain", false],
  ["safe (AES)", true],
])("WeChat %s mode: skewed clocks and replays", (_, aes) => {
  it.each([
    ["5 min + 1 s old", -301],
    ["a day old", -86_400],
    ["5 min + 1 s ahead", 301],
    ["a day ahead", 86_400],
  ])("refuses a signature %s and writes nothing", async (_label, skewS) => {
    const res = await expectNoWrites(() =>
      wechatPost(wechatRequest(clickXml(`o_skew_${aes ? "a" : "p"}_${skewS}`, nowS()), nowS() + skewS, aes)),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/5-minute window/);
  });

  it("answers a message replayed within the window with the same code, storing it once; refuses it after", async () => {
    const openid = `o_replay_${aes ? "aes" : "plain"}`;
    const xml = clickXml(openid, nowS());
    const ts = nowS();
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await (await wechatPost(wechatRequest(xml, ts, aes))).text());
    expect(replies[0]).toMatch(aes ? /<Encrypt>/ : /[0-9A-Z]{4}-[0-9A-Z]{4}/);
    if (!aes) expect(new Set(replies).size).toBe(1);
    expect(await db().wechatMessage.count({ where: { openid } })).toBe(1);
    expect(await db().userCode.count({ where: { openid } })).toBe(1);

    clockAhead(6 * 60);
    const late = await expectNoWrites(() => wechatPost(wechatRequest(xml, ts, aes)));
    expect(late.status).toBe(400);
  });
});
