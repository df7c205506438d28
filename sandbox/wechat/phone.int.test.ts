/**
 * The phone against a tiny callback server that does what the app must: verify `signature`, check
 * `msg_signature` and decrypt with lib/connectors/wechat/crypto.ts, answer an encrypted passive reply.
 * The phone records the decrypted reply; a slow answer is retried with the same MsgId.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openSealedMessage, sealMessage } from "@/lib/connectors/wechat/crypto";
import { verifyUrlSignature } from "@/lib/connectors/wechat/signature";
import { startWechatSandbox, type TWechatSandbox } from "./index";
import { parseWechatXml, renderWechatXml } from "./xml";

type TSeen = { fields: Record<string, string>; query: URLSearchParams };
let seen: TSeen[] = [];
let signatureFailures = 0;
/** Milliseconds the server waits before answering the next N requests (to force WeChat's retry). */
let stallNext = 0;
let server: Server;
let wechat: TWechatSandbox;

function replyFor(fields: Record<string, string>): string | null {
  if (fields.MsgType === "event" && fields.Event === "unsubscribe") return null;
  const content =
    fields.MsgType === "text"
      ? `echo: ${fields.Content}`
      : fields.Event === "CLICK"
        ? `clicked ${fields.EventKey}`
        : `welcome ${fields.EventKey ?? ""}`.trim();
  return renderWechatXml([
    ["ToUserName", fields.FromUserName!],
    ["FromUserName", fields.ToUserName!],
    ["CreateTime", Number(fields.CreateTime)],
    ["MsgType", "text"],
    ["Content", content],
  ]);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const { account } = wechat;
      const query = new URL(req.url!, "http://x").searchParams;
      const get = (k: string) => query.get(k) ?? "";
      if (
        !verifyUrlSignature({
          token: account.token,
          timestamp: get("timestamp"),
          nonce: get("nonce"),
          signature: get("signature"),
        })
      ) {
        signatureFailures++;
        res.writeHead(403).end();
        return;
      }
      if (req.method === "GET") {
        res.end(get("echostr"));
        return;
      }
      const outer = parseWechatXml(Buffer.concat(chunks).toString("utf8"))!;
      const config = { token: account.token, encodingAesKey: account.encodingAesKey, appId: account.appId };
      const encrypted = get("encrypt_type") === "aes";
      const fields = encrypted
        ? parseWechatXml(
            openSealedMessage(config, {
              encrypt: outer.Encrypt!,
              msgSignature: get("msg_signature"),
              timestamp: get("timestamp"),
              nonce: get("nonce"),
            }),
          )!
        : outer;
      seen.push({ fields, query });
      const answer = () => {
        const reply = replyFor(fields);
        if (!reply) return res.end("success");
        if (!encrypted) return res.end(reply);
        const sealed = sealMessage(config, reply, String(Math.floor(Date.now() / 1000)), "777");
        res.end(
          `<xml><Encrypt><![CDATA[${sealed.encrypt}]]></Encrypt><MsgSignature><![CDATA[${sealed.msgSignature}]]></MsgSignature>` +
            `<TimeStamp>${sealed.timestamp}</TimeStamp><Nonce><![CDATA[${sealed.nonce}]]></Nonce></xml>`,
        );
      };
      if (stallNext > 0) {
        stallNext--;
        setTimeout(() => !res.destroyed && answer(), 1_000);
      } else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/wechat`;
  wechat = await startWechatSandbox({ port: 0, callbackUrl, mode: "safe", callbackTimeoutMs: 300 });
});
afterAll(async () => {
  await wechat.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(async () => {
  wechat.reset();
  seen = [];
  signatureFailures = 0;
  stallNext = 0;
  await fetch(`${wechat.url}/__sandbox/wechat/settings`, {
    method: "POST",
    body: JSON.stringify({ mode: "safe" }),
  });
});

async function control(path: string, body: unknown = {}) {
  const res = await fetch(`${wechat.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("the phone in safe mode", () => {
  it("subscribes through a QR scene, clicks, and texts; records each decrypted reply", async () => {
    const follow = await control("/__sandbox/wechat/followers/o_kid/follow", { scene: "open-day" });
    expect(follow.status).toBe(200);
    await control("/__sandbox/wechat/followers/o_kid/click", { eventKey: "GET_CODE" });
    await control("/__sandbox/wechat/followers/o_kid/text", { content: "你好" });
    expect(signatureFailures).toBe(0);
    expect(seen.map((s) => s.fields.Event ?? s.fields.MsgType)).toEqual(["subscribe", "CLICK", "text"]);
    const [sub, click, text] = seen.map((s) => s.fields);
    expect(sub).toMatchObject({
      ToUserName: wechat.account.originalId,
      FromUserName: "o_kid",
      MsgType: "event",
      EventKey: "qrscene_open-day",
    });
    expect(sub!.Ticket).toMatch(/^gQ/);
    expect(click).toMatchObject({ Event: "CLICK", EventKey: "GET_CODE" });
    expect(text).toMatchObject({ Content: "你好" });
    expect(text!.MsgId).toMatch(/^\d{19}$/);
    expect(seen[0]!.query.get("openid")).toBe("o_kid");

    const res = await fetch(`${wechat.url}/__sandbox/wechat/replies?openid=o_kid`);
    const { replies } = (await res.json()) as {
      replies: {
        trigger: string;
        encrypted: boolean;
        problem: string | null;
        message: Record<string, string>;
      }[];
    };
    expect(replies.map((r) => [r.trigger, r.encrypted, r.problem, r.message.Content])).toEqual([
      ["subscribe", true, null, "welcome qrscene_open-day"],
      ["CLICK", true, null, "clicked GET_CODE"],
      ["text", true, null, "echo: 你好"],
    ]);
  });

  it("retries a callback that misses the timeout with the same MsgId and CreateTime", async () => {
    await wechat.phone.follow("o_slow");
    seen = [];
    stallNext = 1;
    const outcome = await wechat.phone.sendText("o_slow", "are you there?");
    expect(outcome.attempts.map((a) => a.error ?? a.status)).toEqual(["timeout", 200]);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.fields.MsgId).toBe(seen[0]!.fields.MsgId);
    expect(seen[1]!.fields.CreateTime).toBe(seen[0]!.fields.CreateTime);
    expect(outcome.reply).toMatchObject({ problem: null, message: { Content: "echo: are you there?" } });
  });

  it("gives up after three tries", async () => {
    await wechat.phone.follow("o_down");
    seen = [];
    stallNext = 3;
    const outcome = await wechat.phone.click("o_down", "GET_CODE");
    expect(outcome.attempts.map((a) => a.error)).toEqual(["timeout", "timeout", "timeout"]);
    expect(outcome.reply).toBeNull();
  });

  it("unfollows (no reply expected) and refuses actions from non-followers", async () => {
    await wechat.phone.follow("o_bye");
    const out = await control("/__sandbox/wechat/followers/o_bye/unfollow");
    expect(out.body).toMatchObject({ reply: { message: null, problem: null } });
    expect(seen.at(-1)!.fields).toMatchObject({ Event: "unsubscribe" });
    expect((await control("/__sandbox/wechat/followers/o_bye/text", { content: "hi" })).status).toBe(409);
  });

  it("an existing follower scanning a code gets SCAN without the qrscene_ prefix", async () => {
    await wechat.phone.follow("o_again");
    await wechat.phone.follow("o_again", { scene: "fair-2026" });
    expect(seen.at(-1)!.fields).toMatchObject({ Event: "SCAN", EventKey: "fair-2026" });
  });
});

describe("other modes", () => {
  it("sends and reads plaintext in plain mode, and passes the URL verification echo", async () => {
    await control("/__sandbox/wechat/settings", { mode: "plain" });
    await wechat.phone.follow("o_plain");
    const out = await wechat.phone.sendText("o_plain", "plain text");
    expect(seen.at(-1)!.query.has("encrypt_type")).toBe(false);
    expect(out.reply).toMatchObject({
      encrypted: false,
      problem: null,
      message: { Content: "echo: plain text" },
    });
    expect((await control("/__sandbox/wechat/verify-server")).body).toMatchObject({ ok: true, status: 200 });
  });

  it("sends both plaintext fields and Encrypt in compatible mode", async () => {
    await control("/__sandbox/wechat/settings", { mode: "compatible" });
    await wechat.phone.follow("o_compat");
    expect(seen.at(-1)!.query.get("encrypt_type")).toBe("aes");
    expect(seen.at(-1)!.fields).toMatchObject({ Event: "subscribe" });
  });
});
