/**
 * WeChat's API error answers: HTTP 200 with `{ errcode, errmsg }`, the message ending in a request id
 * (`rid`), as api.weixin.qq.com does. Handlers throw `wechatError(code)`.
 */
import { randomBytes } from "node:crypto";
import { HttpResponseError, jsonResponse, type TErrorWriters, type TStandInResponse } from "@/sandbox/core";

export const WECHAT_ERRORS = {
  [-1]: "system error",
  40001: "invalid credential, access_token is invalid or not latest",
  40002: "invalid grant_type",
  40003: "invalid openid",
  40008: "invalid message type",
  40013: "invalid appid",
  40029: "invalid code",
  40052: "invalid action name",
  40053: "invalid action info",
  40066: "invalid url",
  40125: "invalid appsecret",
  40163: "code been used",
  41001: "access_token missing",
  41002: "appid missing",
  41004: "appsecret missing",
  41008: "missing code",
  42001: "access_token expired",
  43004: "require subscribe",
  44002: "empty post data",
  44003: "empty news data",
  45009: "reach max api daily quota limit",
  45015: "response out of time limit or subscription is canceled",
  47001: "data format error",
} as const;

export type TWechatErrcode = keyof typeof WECHAT_ERRORS;

function rid(): string {
  const b = randomBytes(12).toString("hex");
  return `${b.slice(0, 8)}-${b.slice(8, 16)}-${b.slice(16, 24)}`;
}

export function wechatErrorBody(code: TWechatErrcode): { errcode: number; errmsg: string } {
  return { errcode: code, errmsg: `${WECHAT_ERRORS[code]} rid: ${rid()}` };
}

export function wechatErrorResponse(code: TWechatErrcode, status = 200): TStandInResponse {
  return jsonResponse(status, wechatErrorBody(code));
}

/** Throw from a handler: answers HTTP 200 with the errcode, as WeChat does. */
export function wechatError(code: TWechatErrcode): HttpResponseError {
  return new HttpResponseError(wechatErrorResponse(code));
}

export const wechatErrorWriters: TErrorWriters = {
  notFound: () => wechatErrorResponse(40066, 404),
  // WeChat's busy answer is `-1 system error`; injected 5xx keep their status so clients see the fault.
  internal: (_req, status) => wechatErrorResponse(-1, status),
  // WeChat never answers 429: a quota is an errcode in a 200.
  rateLimited: () => wechatErrorResponse(45009),
  badRequest: () => wechatErrorResponse(47001),
};

export const OK_BODY = { errcode: 0, errmsg: "ok" } as const;
