/**
 * Test helper: a tiny stand-in for the app's inbound endpoints. It records every webhook and WeChat
 * callback, and answers WeChat (plain mode) the way the app will: a passive text reply carrying the
 * follower's code on subscribe, on the GET_CODE menu and on a code keyword.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { CROCKFORD_ALPHABET } from "./codes";

export interface TReceived {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The code this fake app issues to an OpenID: stable, Crockford base32, XXXX-XXXX. */
export function codeForOpenid(openid: string): string {
  const bytes = createHash("sha256").update(openid).digest();
  const chars = Array.from(bytes.subarray(0, 8), (b) => CROCKFORD_ALPHABET[b % 32]).join("");
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/** How a lenient reader of Crockford base32 reads a typed code: case, spaces and dashes ignored, O→0, I/L→1. */
export function normaliseTypedCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
}

function field(xml: string, name: string): string | null {
  const m = new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(xml);
  return m ? (m[1] ?? m[2] ?? "") : null;
}

function wechatReply(xml: string): string {
  const openid = field(xml, "FromUserName") ?? "";
  const account = field(xml, "ToUserName") ?? "";
  const event = field(xml, "Event");
  const content = field(xml, "Content") ?? "";
  const wantsCode =
    event === "subscribe" ||
    (event === "CLICK" && field(xml, "EventKey") === "GET_CODE") ||
    /code|验证码/i.test(content);
  if (!wantsCode) return "success";
  return `<xml><ToUserName><![CDATA[${openid}]]></ToUserName><FromUserName><![CDATA[${account}]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[您的验证码：${codeForOpenid(openid)}（请在报名表中填写）]]></Content></xml>`;
}

export async function startReceiver() {
  const received: TReceived[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = new URL(req.url ?? "/", "http://receiver").pathname;
      received.push({ path, headers: req.headers, body });
      if (path === "/api/wechat") res.writeHead(200, { "content-type": "text/xml" }).end(wechatReply(body));
      else res.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    at: (path: string) => received.filter((r) => r.path === path),
    clear: () => received.splice(0, received.length),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Polls until `check` passes (no fixed sleeps); rethrows its last failure after `timeoutMs`. */
export async function waitUntil(check: () => void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
