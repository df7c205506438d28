/**
 * WeChat sandbox controls under `/__sandbox/wechat/`: drive the phone, choose the OAuth user, move the
 * clock, read what the app sent and replied.
 */
import { z } from "zod";
import { jsonResponse, parseControlBody, type TRoute, type TStandInResponse } from "@/sandbox/core";
import {
  PhoneError,
  clickMenu,
  follow,
  sendText,
  unfollow,
  verifyServer,
  type TCallbackOutcome,
  type TPhoneOptions,
} from "./phone";
import type { TWechatState } from "./state";

const ZFollow = z
  .object({ ticket: z.string().min(1).optional(), scene: z.string().min(1).max(64).optional() })
  .strict();
const ZClick = z.object({ eventKey: z.string().min(1).max(128) }).strict();
const ZText = z.object({ content: z.string().min(1).max(2048) }).strict();
const ZCurrent = z.object({ openid: z.string().min(1).nullable() }).strict();
const ZClock = z
  .object({
    advanceSeconds: z
      .number()
      .int()
      .min(0)
      .max(365 * 86400),
  })
  .strict();
const ZSettings = z
  .object({
    callbackUrl: z.url().optional(),
    mode: z.enum(["plain", "compatible", "safe"]).optional(),
  })
  .strict();

async function run(action: () => Promise<TCallbackOutcome>): Promise<TStandInResponse> {
  try {
    return jsonResponse(200, await action());
  } catch (error) {
    if (error instanceof PhoneError) return jsonResponse(409, { error: error.message });
    throw error;
  }
}

export function createWechatControlRoutes(state: TWechatState, phone: TPhoneOptions = {}): TRoute[] {
  const openidOf = (params: Readonly<Record<string, string>>) => params.openid!;
  return [
    {
      method: "POST",
      path: "/__sandbox/wechat/followers/:openid/follow",
      handler: (req) => run(() => follow(state, openidOf(req.params), parseControlBody(req, ZFollow), phone)),
    },
    {
      method: "POST",
      path: "/__sandbox/wechat/followers/:openid/unfollow",
      handler: (req) => run(() => unfollow(state, openidOf(req.params), phone)),
    },
    {
      method: "POST",
      path: "/__sandbox/wechat/followers/:openid/click",
      handler: (req) =>
        run(() => clickMenu(state, openidOf(req.params), parseControlBody(req, ZClick).eventKey, phone)),
    },
    {
      method: "POST",
      path: "/__sandbox/wechat/followers/:openid/text",
      handler: (req) =>
        run(() => sendText(state, openidOf(req.params), parseControlBody(req, ZText).content, phone)),
    },
    {
      method: "GET",
      path: "/__sandbox/wechat/followers",
      handler: () => jsonResponse(200, { followers: [...state.followers.values()] }),
    },
    {
      method: "POST",
      path: "/__sandbox/wechat/oauth/current-follower",
      handler: (req) => {
        state.currentFollower = parseControlBody(req, ZCurrent).openid;
        return jsonResponse(200, { openid: state.currentFollower });
      },
    },
    {
      method: "GET",
      path: "/__sandbox/wechat/replies",
      handler: (req) => {
        const openid = req.query.get("openid");
        return jsonResponse(200, { replies: state.replies.filter((r) => !openid || r.openid === openid) });
      },
    },
    {
      method: "GET",
      path: "/__sandbox/wechat/messages",
      handler: (req) => {
        const openid = req.query.get("openid");
        return jsonResponse(200, {
          messages: state.sentMessages.filter((m) => !openid || m.touser === openid),
        });
      },
    },
    {
      method: "POST",
      path: "/__sandbox/wechat/clock",
      handler: (req) => {
        state.advanceClock(parseControlBody(req, ZClock).advanceSeconds);
        return jsonResponse(200, { now: state.now() });
      },
    },
    {
      method: "POST",
      path: "/__sandbox/wechat/settings",
      handler: (req) => {
        Object.assign(state.account, parseControlBody(req, ZSettings));
        return jsonResponse(200, { callbackUrl: state.account.callbackUrl, mode: state.account.mode });
      },
    },
    {
      method: "POST",
      path: "/__sandbox/wechat/verify-server",
      handler: async () => jsonResponse(200, await verifyServer(state)),
    },
  ];
}
