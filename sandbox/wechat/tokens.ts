/**
 * Access tokens (https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Get_access_token.html):
 * `GET /cgi-bin/token` and `POST /cgi-bin/stable_token`. Tokens live 7200 s; a new token of the same
 * kind retires the previous one after a 5-minute grace. Normal and stable tokens are independent, as
 * WeChat documents.
 */
import { timingSafeEqual } from "node:crypto";
import { jsonResponse, type TRoute, type TStandInRequest } from "@/sandbox/core";
import { randomWechatString } from "./ids";
import { wechatError } from "./errors";
import { TOKEN_GRACE_SECONDS, TOKEN_TTL_SECONDS, type TIssuedToken, type TWechatState } from "./state";

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** 40013 unknown AppID, 40125 wrong secret, 41002/41004 when missing. */
export function checkAppCredentials(
  state: TWechatState,
  appid: string | undefined,
  secret: string | undefined,
): void {
  if (!appid) throw wechatError(41002);
  if (appid !== state.account.appId) throw wechatError(40013);
  if (!secret) throw wechatError(41004);
  if (!sameSecret(secret, state.account.appSecret)) throw wechatError(40125);
}

export function issueToken(state: TWechatState, kind: TIssuedToken["kind"]): TIssuedToken {
  const now = state.now();
  for (const t of state.tokens) {
    if (t.kind === kind && t.retiresAt === null)
      t.retiresAt = Math.min(t.expiresAt, now + TOKEN_GRACE_SECONDS);
  }
  // Drop tokens nobody can use any more so the list stays short.
  state.tokens = state.tokens.filter((t) => now < t.expiresAt && (t.retiresAt === null || now < t.retiresAt));
  const issued: TIssuedToken = {
    token: randomWechatString(136),
    kind,
    expiresAt: now + TOKEN_TTL_SECONDS,
    retiresAt: null,
  };
  state.tokens.push(issued);
  return issued;
}

/** The `access_token` query parameter of every API call: 41001 missing, 42001 expired, 40001 unknown or retired. */
export function requireAccessToken(state: TWechatState, req: TStandInRequest): void {
  const token = req.query.get("access_token");
  if (!token) throw wechatError(41001);
  const found = state.tokens.find((t) => t.token === token);
  if (!found) throw wechatError(40001);
  const now = state.now();
  if (now >= found.expiresAt) throw wechatError(42001);
  if (found.retiresAt !== null && now >= found.retiresAt) throw wechatError(40001);
}

export function createTokenRoutes(state: TWechatState): TRoute[] {
  return [
    {
      method: "GET",
      path: "/cgi-bin/token",
      handler: (req) => {
        if (req.query.get("grant_type") !== "client_credential") throw wechatError(40002);
        checkAppCredentials(state, req.query.get("appid") ?? undefined, req.query.get("secret") ?? undefined);
        const t = issueToken(state, "normal");
        return jsonResponse(200, { access_token: t.token, expires_in: TOKEN_TTL_SECONDS });
      },
    },
    {
      method: "POST",
      path: "/cgi-bin/stable_token",
      handler: (req) => {
        const body = req.json<{
          grant_type?: string;
          appid?: string;
          secret?: string;
          force_refresh?: boolean;
        }>();
        if (!body || typeof body !== "object") throw wechatError(44002);
        if (body.grant_type !== "client_credential") throw wechatError(40002);
        checkAppCredentials(state, body.appid, body.secret);
        const now = state.now();
        const current = state.tokens.find(
          (t) => t.kind === "stable" && t.retiresAt === null && now < t.expiresAt,
        );
        // Without force_refresh the same stable token comes back until it expires.
        const t = current && body.force_refresh !== true ? current : issueToken(state, "stable");
        return jsonResponse(200, { access_token: t.token, expires_in: t.expiresAt - now });
      },
    },
  ];
}
