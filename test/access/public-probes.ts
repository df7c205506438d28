/**
 * The routes that take no console session, probed over HTTP: each must answer without a session,
 * refuse a missing or wrong credential with a 4xx of its own (not the console's "sign in"), and
 * accept a correct one. Returns the problems found; the caller also checks nothing was written.
 */
import { randomBytes } from "node:crypto";
import Stripe from "stripe";
import { computeUrlSignature } from "@/lib/connectors/wechat/signature";
import { DEMO_USERS } from "@/scripts/lib/seed";
import type { createClient, TRecorded } from "./http";
import type { TExpectation } from "./matrix";
import type { TSecrets } from "./server";

type TClient = ReturnType<typeof createClient>;

export interface TProbeContext {
  client: TClient;
  secrets: TSecrets;
  /** Keys issued through the console in this run, by scope set. */
  keys: { events: string; businessAndCode: string; revoked: string };
  adminCookie: string;
  /** Where the app sends WeChat OAuth (WECHAT_API_BASE; open.weixin.qq.com in production). */
  wechatApiBase: string;
  wechatAppId: string;
}

const SESSION_401 = "Sign in to use the RevBridge console API";

function expectStatus(problems: string[], res: TRecorded, allowed: number[], why: string): void {
  if (!allowed.includes(res.status)) {
    problems.push(
      `${res.label} (${why}) → ${res.status}, expected ${allowed.join("/")}: ${res.body.slice(0, 200)}`,
    );
  }
  if (res.body.includes(SESSION_401)) problems.push(`${res.label} (${why}) asked for a console session`);
}

async function probeApiKey(ctx: TProbeContext, path: string, scope: string, problems: string[]) {
  const { call } = ctx.client;
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const body = {};
  expectStatus(problems, await call("POST", path, { body }), [401], "no key");
  expectStatus(
    problems,
    await call("POST", path, { body, cookie: ctx.adminCookie }),
    [401],
    "session, no key",
  );
  expectStatus(
    problems,
    await call("POST", path, { body, headers: bearer("rbk_" + "x".repeat(43)) }),
    [401],
    "unknown key",
  );
  expectStatus(
    problems,
    await call("POST", path, { body, headers: bearer("sk_live_notours") }),
    [401],
    "not a key",
  );
  expectStatus(
    problems,
    await call("POST", path, { body, headers: bearer(ctx.keys.revoked) }),
    [401],
    "revoked key",
  );
  const wrong = scope === "events:write" ? ctx.keys.businessAndCode : ctx.keys.events;
  expectStatus(problems, await call("POST", path, { body, headers: bearer(wrong) }), [403], "other scope");
}

/** Requests that must be refused; nothing they send may change the database. */
export async function probeRefusals(
  ctx: TProbeContext,
  pattern: string,
  path: string,
  method: string,
  e: TExpectation,
): Promise<string[]> {
  const problems: string[] = [];
  const { call } = ctx.client;
  const now = Math.floor(Date.now() / 1000);
  switch (e.kind) {
    case "api-key":
      await probeApiKey(ctx, path, e.scope, problems);
      break;
    case "webhook": {
      const body = JSON.stringify({ id: "evt_access", type: "customer.updated" });
      expectStatus(problems, await call("POST", path, { body }), [400, 401], "unsigned");
      const headers: Record<string, string> =
        e.provider === "stripe"
          ? { "stripe-signature": `t=${now},v1=${randomBytes(32).toString("hex")}` }
          : {
              "x-hubspot-signature-v3": randomBytes(32).toString("base64"),
              "x-hubspot-request-timestamp": String(Date.now()),
            };
      expectStatus(problems, await call("POST", path, { body, headers }), [400, 401], "forged signature");
      break;
    }
    case "wechat-callback": {
      const q = `timestamp=${now}&nonce=n${now}&signature=${"0".repeat(40)}`;
      const target = method === "GET" ? `${path}?${q}&echostr=hello` : `${path}?${q}`;
      const body = method === "POST" ? "<xml><MsgType><![CDATA[text]]></MsgType></xml>" : undefined;
      expectStatus(
        problems,
        await call(method, target, { body, headers: { "content-type": "text/xml" } }),
        [401],
        "forged signature",
      );
      expectStatus(problems, await call(method, path, { body }), [400], "no signature");
      break;
    }
    case "inngest":
      // Cloud mode: only Inngest (signing key) may invoke functions, sync the app or introspect it.
      expectStatus(
        problems,
        await call(method, path, method === "GET" ? {} : { body: {} }),
        [401],
        "unsigned",
      );
      // A sync naming another host must not reach Inngest Cloud either.
      if (method === "PUT") {
        const headers = { host: "evil.example", "x-forwarded-host": "evil.example" };
        expectStatus(
          problems,
          await call("PUT", path, { body: {}, headers }),
          [401],
          "unsigned, foreign host",
        );
      }
      break;
    case "next-auth":
      if (method === "POST") {
        const res = await call("POST", "/api/auth/callback/credentials", {
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "email=admin%40demo.revbridge.dev&password=wrong&csrfToken=forged",
        });
        if (res.headers.getSetCookie().some((c) => c.startsWith("next-auth.session-token="))) {
          problems.push("next-auth issued a session for a forged CSRF token and a wrong password");
        }
      } else {
        const res = await call("GET", "/api/auth/session");
        if (res.status !== 200 || res.body.trim() !== "{}")
          problems.push(`GET /api/auth/session without a cookie → ${res.status} ${res.body}`);
      }
      break;
    default:
      break;
  }
  return problems;
}

/** Correct credentials get through: the route is reachable without any session. */
export async function probeAcceptance(
  ctx: TProbeContext,
  path: string,
  method: string,
  e: TExpectation,
): Promise<string[]> {
  const problems: string[] = [];
  const { call } = ctx.client;
  const now = Math.floor(Date.now() / 1000);
  switch (e.kind) {
    case "api-key": {
      const key = e.scope === "events:write" ? ctx.keys.events : ctx.keys.businessAndCode;
      const res = await call("POST", path, { body: {}, headers: { authorization: `Bearer ${key}` } });
      if (res.status === 401 || res.status === 403 || res.status >= 500) {
        problems.push(`${res.label} with a ${e.scope} key → ${res.status}: ${res.body.slice(0, 200)}`);
      }
      break;
    }
    case "webhook": {
      if (e.provider !== "stripe") break; // HubSpot acceptance is covered by lib/inbox/receive.int.test.ts
      const payload = JSON.stringify({
        id: "evt_access_ok",
        object: "event",
        type: "access.test.unhandled",
        data: { object: {} },
      });
      const signature = Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: ctx.secrets.STRIPE_WEBHOOK_SECRET,
      });
      const res = await call("POST", path, { body: payload, headers: { "stripe-signature": signature } });
      if (res.status !== 200)
        problems.push(`${res.label} correctly signed → ${res.status}: ${res.body.slice(0, 200)}`);
      break;
    }
    case "wechat-callback": {
      if (method !== "GET") break;
      const nonce = `n${now}`;
      const signature = computeUrlSignature(ctx.secrets.WECHAT_TOKEN, String(now), nonce);
      const res = await call(
        "GET",
        `${path}?timestamp=${now}&nonce=${nonce}&signature=${signature}&echostr=access-ok`,
      );
      if (res.status !== 200 || res.body !== "access-ok")
        problems.push(`${res.label} correctly signed → ${res.status} ${res.body}`);
      break;
    }
    case "wechat-oauth": {
      const res = await call("GET", path);
      const location = res.headers.get("location") ?? "";
      const target = location.startsWith(`${ctx.wechatApiBase}/connect/oauth2/authorize?`);
      if (
        res.status < 300 ||
        res.status >= 400 ||
        !target ||
        !location.includes(`appid=${ctx.wechatAppId}`)
      ) {
        problems.push(`${res.label} → ${res.status} ${location}: expected a redirect to WeChat OAuth`);
      }
      break;
    }
    case "next-auth": {
      if (method !== "POST") break;
      const admin = DEMO_USERS.find((u) => u.role === "ADMIN")!;
      const wrong = await ctx.client.trySignIn(admin.email, "not-the-password");
      if (wrong.cookie) problems.push("next-auth issued a session for a wrong password");
      // A sign-in link must not be usable to bounce staff to another site (open redirect).
      const bounced = await ctx.client.trySignIn(admin.email, admin.password, "https://evil.example/phish");
      if (!bounced.url?.startsWith(ctx.client.baseUrl)) problems.push(`sign-in redirected to ${bounced.url}`);
      const flags = bounced.setCookie ?? "";
      if (!/HttpOnly/i.test(flags) || !/SameSite=Lax/i.test(flags)) {
        problems.push(`session cookie lacks HttpOnly or SameSite=Lax: ${flags.replace(/=[^;]*/, "=…")}`);
      }
      break;
    }
    case "health": {
      const res = await call("GET", path);
      if (![200, 503].includes(res.status)) problems.push(`${res.label} without a session → ${res.status}`);
      break;
    }
    default:
      break;
  }
  return problems;
}
