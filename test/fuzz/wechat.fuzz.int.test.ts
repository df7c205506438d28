/**
 * Fuzzing the WeChat callback (`/api/wechat`, GET and POST) through its route handler, in plain and
 * safe (AES) mode: junk queries and bodies, junk, stale and future signatures, validly signed or sealed
 * junk XML. Unsigned or stale input is a 4xx; signed junk is a 4xx or `success`; nothing is written.
 * Also `/api/wechat/oauth` (no input but the query) and the `/wechat/code` page's decision function.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as oauthGet } from "@/app/api/wechat/oauth/route";
import { GET, POST } from "@/app/api/wechat/route";
import { computeMsgSignature } from "@/lib/connectors/wechat/signature";
import { sealMessage } from "@/lib/connectors/wechat/crypto";
import { resolveCodePage } from "@/lib/wechat/oauth";
import { withFreshDatabase } from "@/test/db";
import { stubAppEnv } from "@/test/env";
import { headerText, junkBody, junkQuery, junkText, junkXmlText } from "./support/arbitraries";
import { fuzzRequest, readAnswer } from "./support/http";
import { fuzzNoChange, quietRefusalLogs } from "./support/property";
import { fuzzTimeout } from "./support/runs";
import { nowS, wechatQuery } from "./support/signers";

const database = withFreshDatabase();
const ACCOUNT = {
  appId: "wxfuzz0000000001",
  token: "fuzztoken",
  encodingAesKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
};
const URL_BASE = "https://revbridge.example/api/wechat";

beforeAll(() => {
  quietRefusalLogs();
  stubAppEnv(database.url(), {
    APP_URL: "https://revbridge.example",
    WECHAT_APP_ID: ACCOUNT.appId,
    WECHAT_APP_SECRET: "fuzz-secret",
    WECHAT_TOKEN: ACCOUNT.token,
    WECHAT_ENCODING_AES_KEY: ACCOUNT.encodingAesKey,
    // Nothing listens here: an OAuth exchange that gets this far fails as "unavailable".
    WECHAT_API_BASE: "http://127.0.0.1:9",
  });
});

/** Well-formed messages whose type and event ask for nothing (so a signed one is answered `success`). */
const inertMessage = fc
  .record({
    from: junkText,
    type: fc.oneof(fc.constantFrom("text", "event", "image", "location", ""), junkText),
    content: junkText,
    event: junkText,
    entity: fc.constantFrom("", "&#0;", "&#xD800;", "&amp;", "&lt;", "&#x1F600;"),
  })
  .map(
    (m) =>
      `<xml><ToUserName><![CDATA[gh_fuzz]]></ToUserName><FromUserName><![CDATA[${m.from}]]></FromUserName>` +
      `<CreateTime>${nowS()}</CreateTime><MsgType><![CDATA[${m.type}]]></MsgType>` +
      `<Content>${m.entity}<![CDATA[${m.content}]]></Content><Event><![CDATA[${m.event}]]></Event></xml>`,
  );

const body = fc.oneof(junkXmlText, inertMessage, junkBody(["xml"]));
const skew = fc.oneof(
  fc.integer({ min: 301, max: 10 * 365 * 86_400 }),
  fc.integer({ min: -10 * 365 * 86_400, max: -301 }),
);

type TCase =
  | { kind: "junk"; method: "GET" | "POST"; query: string; body: string | Uint8Array | undefined }
  | { kind: "stale"; aes: boolean; skewS: number; body: string }
  | { kind: "aes-junk-cipher"; cipher: string }
  | { kind: "signed"; aes: boolean; body: string | Uint8Array | undefined };

const cases: fc.Arbitrary<TCase> = fc.oneof(
  fc.record({
    kind: fc.constant("junk" as const),
    method: fc.constantFrom("GET" as const, "POST" as const),
    query: junkQuery([
      "signature",
      "timestamp",
      "nonce",
      "echostr",
      "encrypt_type",
      "msg_signature",
      "openid",
    ]),
    body,
  }),
  fc.record({ kind: fc.constant("stale" as const), aes: fc.boolean(), skewS: skew, body: inertMessage }),
  fc.record({ kind: fc.constant("aes-junk-cipher" as const), cipher: fc.oneof(headerText, junkText) }),
  fc.record({ kind: fc.constant("signed" as const), aes: fc.boolean(), body }),
);

const envelope = (encrypt: string) =>
  `<xml><ToUserName>gh_fuzz</ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;

function sealed(inner: string, timestamp: number): { query: URLSearchParams; body: string } {
  const nonce = "fuzznonce";
  const s = sealMessage(ACCOUNT, inner, String(timestamp), nonce);
  const query = wechatQuery(ACCOUNT.token, timestamp, nonce);
  query.set("encrypt_type", "aes");
  query.set("msg_signature", s.msgSignature);
  return { query, body: envelope(s.encrypt) };
}

function toRequest(c: TCase): Request {
  const post = (query: URLSearchParams | string, b: string | Uint8Array | undefined) =>
    fuzzRequest(`${URL_BASE}?${String(query).replace(/^\?/, "")}`, {
      body: b,
      headers: { "content-type": "text/xml" },
    });
  switch (c.kind) {
    case "junk":
      return fuzzRequest(`${URL_BASE}${c.query}`, { method: c.method, body: c.body });
    case "stale": {
      const ts = nowS() + c.skewS;
      if (c.aes) {
        const s = sealed(c.body, ts);
        return post(s.query, s.body);
      }
      return post(wechatQuery(ACCOUNT.token, ts, "n"), c.body);
    }
    case "aes-junk-cipher": {
      const ts = nowS();
      const query = wechatQuery(ACCOUNT.token, ts, "n");
      query.set("encrypt_type", "aes");
      query.set("msg_signature", computeMsgSignature(ACCOUNT.token, String(ts), "n", c.cipher));
      return post(query, envelope(c.cipher));
    }
    case "signed": {
      if (c.aes && typeof c.body === "string") {
        const s = sealed(c.body, nowS());
        return post(s.query, s.body);
      }
      return post(wechatQuery(ACCOUNT.token, nowS(), "n"), c.body);
    }
  }
}

describe("/api/wechat under fuzz", () => {
  it(
    "refuses unsigned, stale and undecryptable callbacks with a 4xx, answers signed junk with a 4xx or success, and writes nothing",
    () =>
      fuzzNoChange(cases, async (c) => {
        const request = toRequest(c);
        const res = await (request.method === "GET" ? GET(request) : POST(request));
        const answer = await readAnswer(res);
        if (c.kind !== "signed") {
          expect(answer.status, `accepted: ${answer.message.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        } else if (answer.status < 400) {
          expect(answer.message).toBe("success");
        }
      }),
    fuzzTimeout(),
  );
});

describe("/api/wechat/oauth and the /wechat/code page under fuzz", () => {
  it(
    "the OAuth start answers a redirect with a fresh state whatever the query, writing nothing",
    () =>
      fuzzNoChange(junkQuery(["code", "state", "redirect_uri"]), async (query) => {
        const res = await oauthGet(
          fuzzRequest(`https://revbridge.example/api/wechat/oauth${query}`, { method: "GET" }),
        );
        expect(res.status).toBe(302);
        expect(res.headers.get("location")).toMatch(/^http:\/\/127\.0\.0\.1:9\/connect\/oauth2\/authorize\?/);
        expect(res.headers.get("set-cookie")).toMatch(/^rb_wechat_oauth=[0-9a-f]{32};/);
      }),
    fuzzTimeout(),
  );

  it(
    "the code page refuses junk codes, states and cookies without an error or a write",
    () =>
      fuzzNoChange(
        fc.record({
          code: fc.option(junkText, { nil: undefined }),
          state: fc.option(headerText, { nil: undefined }),
          sameCookie: fc.boolean(),
          cookie: fc.option(headerText, { nil: undefined }),
          ip: headerText,
          language: fc.constantFrom("zh" as const, "en" as const),
        }),
        async (input) => {
          const result = await resolveCodePage({
            code: input.code,
            state: input.state,
            cookieState: input.sameCookie ? input.state : input.cookie,
            ip: input.ip,
            language: input.language,
          });
          expect(result.kind).not.toBe("code");
        },
        // A matching state sends the (junk) code to WeChat's token endpoint: the rate governor books
        // that outbound call in RateLimitState (and its per-minute count for the Sync page). Nothing else may change.
        { allowedTables: ["RateLimitState", "RateLimitMinute"] },
      ),
    fuzzTimeout(2),
  );
});
