import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import {
  ProviderRateLimitedError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from "@/lib/connectors/errors";
import { acquire } from "@/lib/sync/governor";
import type { TWechatApiConfig } from "./config";

/**
 * A small typed client for the WeChat Official Account API (no official Node SDK exists). Every call takes
 * a token from the WECHAT governor bucket, and WeChat's `errcode` answers (HTTP 200) become the project's
 * three provider errors: busy → unavailable, quota/frequency → rate limited, anything else → rejected.
 *
 * Access token: `POST /cgi-bin/stable_token` rather than `GET /cgi-bin/token`. Both return a 7200 s token;
 * the stable one is not rotated by another caller's request, so several app instances (and a restart) can
 * each fetch it without retiring the token the others hold, and it does not burn the 2000/day quota of the
 * classic endpoint. It is cached per instance until 5 minutes before expiry.
 */

const PROVIDER = "WECHAT" as const;
const TOKEN_MARGIN_MS = 5 * 60_000;
const TIMEOUT_MS = 10_000;
/** errcodes meaning "this access token is not (or no longer) valid". */
const TOKEN_INVALID = new Set([40001, 40014, 41001, 42001]);
const RATE_LIMITED = new Set([45009, 45011, 45047]);

const tokenCache = new Map<string, { token: string; expiresAt: number }>();

/** One cached token per account and secret (a rotated secret must not keep using the old token). */
function cacheKey(config: TWechatApiConfig): string {
  const secret = createHash("sha256").update(config.appSecret).digest("hex").slice(0, 16);
  return `${config.apiBase}|${config.appId}|${secret}`;
}

const ZErr = z.object({ errcode: z.number().optional(), errmsg: z.string().optional() }).loose();

async function request(url: string, init: RequestInit): Promise<unknown> {
  await acquire(PROVIDER);
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new ProviderUnavailableError(PROVIDER, `WeChat API unreachable: ${String(error)}`);
  }
  if (res.status >= 500)
    throw new ProviderUnavailableError(PROVIDER, `WeChat API answered ${res.status}`, res.status);
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok || body === null) {
    throw new ProviderRejectedError(
      PROVIDER,
      res.status || 400,
      `WeChat API answered HTTP ${res.status}`,
      body,
    );
  }
  return body;
}

class WechatErrcode extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeChat API error ${errcode}: ${errmsg}`);
  }
}

function checkErrcode(body: unknown): void {
  const parsed = ZErr.safeParse(body);
  const errcode = parsed.success ? (parsed.data.errcode ?? 0) : 0;
  if (errcode === 0) return;
  const errmsg = parsed.data?.errmsg ?? "";
  if (TOKEN_INVALID.has(errcode)) throw new WechatErrcode(errcode, errmsg);
  if (errcode === -1) throw new ProviderUnavailableError(PROVIDER, `WeChat is busy (-1): ${errmsg}`);
  if (RATE_LIMITED.has(errcode)) {
    throw new ProviderRateLimitedError(
      PROVIDER,
      60_000,
      `WeChat quota or frequency limit (${errcode}): ${errmsg}`,
    );
  }
  throw new ProviderRejectedError(PROVIDER, 400, `WeChat API error ${errcode}: ${errmsg}`, body);
}

const ZToken = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() });

async function accessToken(config: TWechatApiConfig, forceRefresh = false): Promise<string> {
  const cached = tokenCache.get(cacheKey(config));
  if (!forceRefresh && cached && cached.expiresAt > Date.now()) return cached.token;
  const body = await request(`${config.apiBase}/cgi-bin/stable_token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      grant_type: "client_credential",
      appid: config.appId,
      secret: config.appSecret,
      ...(forceRefresh ? { force_refresh: true } : {}),
    }),
  });
  try {
    checkErrcode(body);
  } catch (error) {
    if (error instanceof WechatErrcode) throw new ProviderRejectedError(PROVIDER, 401, error.message, body);
    throw error;
  }
  const token = ZToken.parse(body);
  tokenCache.set(cacheKey(config), {
    token: token.access_token,
    expiresAt: Date.now() + token.expires_in * 1000 - TOKEN_MARGIN_MS,
  });
  return token.access_token;
}

/** Calls an access-token API; on an invalid/expired token refreshes once and retries. */
async function callWithToken(config: TWechatApiConfig, path: string, payload: unknown): Promise<unknown> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const token = await accessToken(config, attempt > 0);
    const body = await request(`${config.apiBase}${path}?access_token=${encodeURIComponent(token)}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
    });
    try {
      checkErrcode(body);
      return body;
    } catch (error) {
      if (!(error instanceof WechatErrcode) || attempt > 0) {
        if (error instanceof WechatErrcode)
          throw new ProviderRejectedError(PROVIDER, 401, error.message, body);
        throw error;
      }
      tokenCache.delete(cacheKey(config));
    }
  }
  throw new Error("unreachable");
}

export const ZQrCode = z.object({
  ticket: z.string().min(1),
  url: z.string().min(1),
  expire_seconds: z.number().optional(),
});
export type TQrCode = z.infer<typeof ZQrCode>;

/**
 * A parametric QR code for a string scene (`/cgi-bin/qrcode/create`): permanent (`QR_LIMIT_STR_SCENE`,
 * at most 100,000 per account) or temporary (`QR_STR_SCENE`, up to 30 days).
 */
export async function createSceneQrCode(
  config: TWechatApiConfig,
  scene: string,
  options: { expireSeconds?: number } = {},
): Promise<TQrCode> {
  const temporary = options.expireSeconds !== undefined;
  const body = await callWithToken(config, "/cgi-bin/qrcode/create", {
    ...(temporary ? { expire_seconds: options.expireSeconds } : {}),
    action_name: temporary ? "QR_STR_SCENE" : "QR_LIMIT_STR_SCENE",
    action_info: { scene: { scene_str: scene } },
  });
  return ZQrCode.parse(body);
}

/** Sends a customer-service text message (allowed within 48 h of the follower's last interaction). */
export async function sendCustomerServiceText(config: TWechatApiConfig, openid: string, content: string) {
  await callWithToken(config, "/cgi-bin/message/custom/send", {
    touser: openid,
    msgtype: "text",
    text: { content },
  });
}

const ZOauthToken = z.object({ openid: z.string().min(1), scope: z.string().optional() });

/** Web OAuth: exchanges the `code` WeChat put on the redirect for the reader's OpenID (snsapi_base). */
export async function exchangeOauthCode(config: TWechatApiConfig, code: string): Promise<string> {
  const params = new URLSearchParams({
    appid: config.appId,
    secret: config.appSecret,
    code,
    grant_type: "authorization_code",
  });
  const body = await request(`${config.apiBase}/sns/oauth2/access_token?${params}`, { method: "GET" });
  try {
    checkErrcode(body);
  } catch (error) {
    if (error instanceof WechatErrcode) throw new ProviderRejectedError(PROVIDER, 400, error.message, body);
    throw error;
  }
  return ZOauthToken.parse(body).openid;
}

/** For tests that restart the sandbox. */
export function forgetCachedWechatTokens(): void {
  tokenCache.clear();
}
