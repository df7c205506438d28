/**
 * WeChat as the generator uses it: the Official Account API for campaign QR codes (a stable token, so
 * the app's own `/cgi-bin/token` token is never retired by us), and the sandbox phone for followers.
 */
import { z } from "zod";
import { findCodeInText } from "../codes";
import { ControlCallError, callJson } from "./control-http";

const ZWechatApiAnswer = z.looseObject({ errcode: z.number().optional(), errmsg: z.string().optional() });
const ZToken = ZWechatApiAnswer.extend({
  access_token: z.string().optional(),
  expires_in: z.number().optional(),
});
const ZQrCode = ZWechatApiAnswer.extend({ ticket: z.string().optional(), url: z.string().optional() });

const ZPhoneOutcome = z.object({
  attempts: z.array(z.object({ status: z.number().optional(), error: z.string().optional() })),
  reply: z
    .object({ message: z.record(z.string(), z.string()).nullable(), problem: z.string().nullable() })
    .nullable(),
});
export type TPhoneOutcome = z.infer<typeof ZPhoneOutcome>;

const ZMessages = z.object({ messages: z.array(z.object({ content: z.string().nullable() })) });

/** Token errors after which a fresh token is worth one retry. */
const STALE_TOKEN = new Set([40001, 42001]);

export interface TWechatCredentials {
  appId: string;
  appSecret: string;
}

export function createWechatClient(baseUrl: string, credentials: TWechatCredentials) {
  let token: { value: string; expiresAt: number } | null = null;

  async function accessToken(forceRefresh = false): Promise<string> {
    if (!forceRefresh && token && Date.now() < token.expiresAt) return token.value;
    const answer = await callJson(baseUrl, "POST", "/cgi-bin/stable_token", ZToken, {
      grant_type: "client_credential",
      appid: credentials.appId,
      secret: credentials.appSecret,
      force_refresh: false,
    });
    if (!answer.access_token)
      throw new ControlCallError(200, `stable_token: errcode ${answer.errcode ?? "?"}`);
    // Renew a minute early so a token never expires between reading and using it.
    token = { value: answer.access_token, expiresAt: Date.now() + ((answer.expires_in ?? 7200) - 60) * 1000 };
    return token.value;
  }

  /** A campaign poster's code: permanent (`QR_LIMIT_STR_SCENE`) or for 30 days (`QR_STR_SCENE`). */
  async function createQrCode(scene: string, permanent: boolean): Promise<string> {
    const body = permanent
      ? { action_name: "QR_LIMIT_STR_SCENE", action_info: { scene: { scene_str: scene } } }
      : {
          expire_seconds: 2_592_000,
          action_name: "QR_STR_SCENE",
          action_info: { scene: { scene_str: scene } },
        };
    for (let attempt = 0; attempt < 2; attempt++) {
      const path = `/cgi-bin/qrcode/create?access_token=${encodeURIComponent(await accessToken(attempt > 0))}`;
      const answer = await callJson(baseUrl, "POST", path, ZQrCode, body);
      if (answer.ticket) return answer.ticket;
      if (!STALE_TOKEN.has(answer.errcode ?? 0)) break;
    }
    throw new ControlCallError(200, `qrcode/create for ${scene} failed`);
  }

  const phone = (openid: string, action: string, body?: unknown) =>
    callJson(
      baseUrl,
      "POST",
      `/__sandbox/wechat/followers/${encodeURIComponent(openid)}/${action}`,
      ZPhoneOutcome,
      body ?? {},
    );

  return {
    createQrCode,
    follow: (openid: string, ticket: string | null) => phone(openid, "follow", ticket ? { ticket } : {}),
    unfollow: (openid: string) => phone(openid, "unfollow"),
    click: (openid: string, eventKey: string) => phone(openid, "click", { eventKey }),
    sendText: (openid: string, content: string) => phone(openid, "text", { content }),
    /** The last code the app sent this follower by customer-service message, if any. */
    async findSentCode(openid: string): Promise<string | null> {
      const { messages } = await callJson(
        baseUrl,
        "GET",
        `/__sandbox/wechat/messages?openid=${encodeURIComponent(openid)}`,
        ZMessages,
      );
      for (const m of [...messages].reverse()) {
        const code = findCodeInText(m.content);
        if (code) return code;
      }
      return null;
    },
  };
}

export type TWechatClient = ReturnType<typeof createWechatClient>;

/** The code in the app's passive reply, when WeChat would have shown that reply to the follower. */
export function codeInReply(outcome: TPhoneOutcome): string | null {
  if (!outcome.reply || outcome.reply.problem) return null;
  return findCodeInText(outcome.reply.message?.Content);
}

/** A short note on how the app's callback went, for the action log. */
export function describeCallback(outcome: TPhoneOutcome): string {
  const last = outcome.attempts.at(-1);
  if (!last) return "no callback";
  if (last.error) return `callback failed ×${outcome.attempts.length} (${last.error})`;
  if (!outcome.reply?.message) return `callback ${last.status}, no reply`;
  return outcome.reply.problem ? `reply rejected: ${outcome.reply.problem}` : "replied";
}
