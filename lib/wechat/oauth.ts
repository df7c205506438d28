import "server-only";
import { randomBytes } from "node:crypto";
import { equalsConstantTime } from "@/lib/connectors/wechat/signature";
import { isProviderError } from "@/lib/connectors/errors";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/logger";
import { exchangeOauthCode } from "./api";
import { codeForOpenid } from "./code-service";
import { appUrl, wechatApiConfig, wechatOauthAuthorizeBase } from "./config";
import { CODE_PAGE_LIMITS } from "./rate-limit";

/**
 * WeChat web OAuth (网页授权, `snsapi_base`) for the `/wechat/code` page: silent, no consent screen, gives
 * the reader's OpenID. `GET /api/wechat/oauth` sets a random `state` in a short-lived cookie and sends the
 * reader to WeChat; WeChat returns to `/wechat/code?code&state`; the page checks the state against the
 * cookie (so nobody can plant their own OAuth code — and thus their own personal code — on a victim) and
 * exchanges the code at `/sns/oauth2/access_token` for the OpenID.
 */

export const OAUTH_STATE_COOKIE = "rb_wechat_oauth";
export const OAUTH_STATE_MAX_AGE_S = 600;
export const CODE_PAGE_PATH = "/wechat/code";

export function newOauthState(): string {
  return randomBytes(16).toString("hex");
}

export function authorizeUrl(state: string): string {
  const config = wechatApiConfig();
  const params = new URLSearchParams({
    appid: config.appId,
    redirect_uri: `${appUrl()}${CODE_PAGE_PATH}`,
    response_type: "code",
    scope: "snsapi_base",
    state,
  });
  return `${wechatOauthAuthorizeBase(config.apiBase)}/connect/oauth2/authorize?${params}#wechat_redirect`;
}

export function oauthStateCookie(state: string): string {
  const secure = appUrl().startsWith("https:") ? "; Secure" : "";
  return `${OAUTH_STATE_COOKIE}=${state}; Path=${CODE_PAGE_PATH}; Max-Age=${OAUTH_STATE_MAX_AGE_S}; HttpOnly; SameSite=Lax${secure}`;
}

export type TCodePageResult =
  | { kind: "code"; code: string }
  | { kind: "start" }
  | { kind: "error"; reason: "state" | "expired" | "rate_limited" | "unavailable" };

/** Everything the page needs, decided here so the page only renders. */
export async function resolveCodePage(input: {
  code: string | undefined;
  state: string | undefined;
  cookieState: string | undefined;
  ip: string;
  language: "zh" | "en";
}): Promise<TCodePageResult> {
  if (!input.code) return { kind: "start" };
  if (!input.state || !input.cookieState || !equalsConstantTime(input.state, input.cookieState)) {
    return { kind: "error", reason: "state" };
  }
  try {
    const openid = await exchangeOauthCode(wechatApiConfig(), input.code);
    const result = await codeForOpenid({
      openid,
      ip: input.ip,
      language: input.language,
      limits: CODE_PAGE_LIMITS,
    });
    return { kind: "code", code: result.code };
  } catch (error) {
    if (error instanceof AppError && error.code === "rate_limited")
      return { kind: "error", reason: "rate_limited" };
    if (error instanceof AppError && error.code === "unavailable")
      return { kind: "error", reason: "unavailable" };
    // 40029 invalid / 40163 reused code: the link was opened twice or too late; starting again fixes it.
    if (isProviderError(error) && error.name === "ProviderRejectedError")
      return { kind: "error", reason: "expired" };
    if (isProviderError(error)) {
      log.warn("wechat.oauth.unavailable", { message: error.message });
      return { kind: "error", reason: "unavailable" };
    }
    throw error;
  }
}

/** The redirect that starts OAuth, with its state cookie. */
export function oauthStartResponse(): Response {
  const state = newOauthState();
  return new Response(null, {
    status: 302,
    headers: {
      location: authorizeUrl(state),
      "set-cookie": oauthStateCookie(state),
      "cache-control": "no-store",
    },
  });
}
