/**
 * Customer-service messages (https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html):
 * `POST /cgi-bin/message/custom/send` — text only here. A follower can be messaged only within 48 hours
 * of their last interaction (45015); every accepted message is recorded for tests and the demo.
 */
import { jsonResponse, type TRoute } from "@/sandbox/core";
import { OK_BODY, wechatError } from "./errors";
import { SERVICE_WINDOW_SECONDS, type TWechatState } from "./state";
import { requireAccessToken } from "./tokens";

type TCustomSendBody = { touser?: unknown; msgtype?: unknown; text?: { content?: unknown } };

export function sendCustomMessage(state: TWechatState, body: TCustomSendBody | undefined): void {
  if (!body || typeof body !== "object") throw wechatError(44002);
  if (typeof body.touser !== "string" || body.touser === "") throw wechatError(40003);
  if (body.msgtype !== "text") throw wechatError(40008);
  const content = body.text?.content;
  if (typeof content !== "string" || content === "") throw wechatError(44003);
  const follower = state.followers.get(body.touser);
  if (!follower) throw wechatError(40003);
  const now = state.now();
  const withinWindow =
    follower.lastInteractionAt !== null && now - follower.lastInteractionAt <= SERVICE_WINDOW_SECONDS;
  if (!follower.subscribed || !withinWindow) throw wechatError(45015);
  state.sentMessages.push({ touser: follower.openid, msgtype: "text", content, sentAt: now });
}

export function createMessageRoutes(state: TWechatState): TRoute[] {
  return [
    {
      method: "POST",
      path: "/cgi-bin/message/custom/send",
      handler: (req) => {
        requireAccessToken(state, req);
        sendCustomMessage(state, req.json<TCustomSendBody>());
        return jsonResponse(200, OK_BODY);
      },
    },
  ];
}
