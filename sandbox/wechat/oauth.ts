/**
 * Web OAuth for Official Accounts (https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html):
 * `GET /connect/oauth2/authorize` redirects the sandbox's "current follower" back with a code;
 * `GET /sns/oauth2/access_token` trades the code (single use, 5 minutes) for the follower's OpenID.
 */
import { jsonResponse, textResponse, type TRoute } from "@/sandbox/core";
import { wechatError } from "./errors";
import { randomWechatString } from "./ids";
import { OAUTH_CODE_TTL_SECONDS, TOKEN_TTL_SECONDS, type TWechatState } from "./state";
import { checkAppCredentials } from "./tokens";

/** WeChat shows an error page (not JSON) when the authorize link is wrong; so does the sandbox. */
function errorPage(message: string) {
  return textResponse(
    200,
    `<!doctype html><html><head><meta charset="utf-8"><title>微信</title></head><body><p>${message}</p></body></html>`,
    "text/html;charset=utf-8",
  );
}

export type TAuthorizeResult = { redirect: string } | { error: string };

export function authorize(state: TWechatState, query: URLSearchParams): TAuthorizeResult {
  if (query.get("appid") !== state.account.appId)
    return { error: "Oops! Something went wrong:( 错误码 10016 appid 参数错误" };
  const redirectUri = query.get("redirect_uri");
  if (!redirectUri || !URL.canParse(redirectUri))
    return { error: "Oops! Something went wrong:( 错误码 10003 redirect_uri 参数错误" };
  if (query.get("response_type") !== "code")
    return { error: "Oops! Something went wrong:( 错误码 10004 response_type 参数错误" };
  const scope = query.get("scope");
  if (scope !== "snsapi_base" && scope !== "snsapi_userinfo")
    return { error: "Oops! Something went wrong:( 错误码 10005 scope 参数错误" };
  const openid = state.currentFollower;
  if (!openid) return { error: "请在微信客户端打开链接" };
  const code = randomWechatString(32);
  state.oauthCodes.set(code, {
    code,
    openid,
    scope,
    expiresAt: state.now() + OAUTH_CODE_TTL_SECONDS,
    used: false,
  });
  const target = new URL(redirectUri);
  target.searchParams.set("code", code);
  target.searchParams.set("state", query.get("state") ?? "");
  return { redirect: target.toString() };
}

export function exchangeCode(state: TWechatState, query: URLSearchParams) {
  checkAppCredentials(state, query.get("appid") ?? undefined, query.get("secret") ?? undefined);
  if (query.get("grant_type") !== "authorization_code") throw wechatError(40002);
  const code = query.get("code");
  if (!code) throw wechatError(41008);
  const entry = state.oauthCodes.get(code);
  if (!entry || state.now() >= entry.expiresAt) throw wechatError(40029);
  if (entry.used) throw wechatError(40163);
  entry.used = true;
  const accessToken = randomWechatString(110);
  state.oauthTokens.set(accessToken, { openid: entry.openid, expiresAt: state.now() + TOKEN_TTL_SECONDS });
  const follower = state.followers.get(entry.openid);
  return {
    access_token: accessToken,
    expires_in: TOKEN_TTL_SECONDS,
    refresh_token: randomWechatString(110),
    openid: entry.openid,
    scope: entry.scope,
    is_snapshotuser: 0,
    ...(follower?.unionid ? { unionid: follower.unionid } : {}),
  };
}

export function createOauthRoutes(state: TWechatState): TRoute[] {
  return [
    {
      method: "GET",
      path: "/connect/oauth2/authorize",
      handler: (req) => {
        const result = authorize(state, req.query);
        return "redirect" in result
          ? { status: 302, headers: { location: result.redirect } }
          : errorPage(result.error);
      },
    },
    {
      method: "GET",
      path: "/sns/oauth2/access_token",
      handler: (req) => jsonResponse(200, exchangeCode(state, req.query)),
    },
  ];
}
