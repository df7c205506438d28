import "server-only";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/** What the callback needs; passed explicitly so tests and the benchmark can point it anywhere. */
export type TWechatCallbackConfig = {
  appId: string;
  token: string;
  /** Null when the account runs in plain mode only (then encrypted callbacks are refused). */
  encodingAesKey: string | null;
};

/** What calls to WeChat's API need. */
export type TWechatApiConfig = { appId: string; appSecret: string; apiBase: string };

const PRODUCTION_API_BASE = "https://api.weixin.qq.com";

export function isWechatConnected(): boolean {
  const e = env();
  return Boolean(e.WECHAT_APP_ID && e.WECHAT_TOKEN);
}

export function wechatCallbackConfig(): TWechatCallbackConfig {
  const e = env();
  if (!e.WECHAT_APP_ID || !e.WECHAT_TOKEN) {
    throw new AppError("unavailable", "WeChat is not connected: set WECHAT_APP_ID and WECHAT_TOKEN.");
  }
  return { appId: e.WECHAT_APP_ID, token: e.WECHAT_TOKEN, encodingAesKey: e.WECHAT_ENCODING_AES_KEY ?? null };
}

export function wechatApiConfig(): TWechatApiConfig {
  const e = env();
  if (!e.WECHAT_APP_ID || !e.WECHAT_APP_SECRET) {
    throw new AppError(
      "unavailable",
      "WeChat is not connected: set WECHAT_APP_ID and WECHAT_APP_SECRET to call WeChat's API.",
    );
  }
  return {
    appId: e.WECHAT_APP_ID,
    appSecret: e.WECHAT_APP_SECRET,
    apiBase: e.WECHAT_API_BASE.replace(/\/$/, ""),
  };
}

/**
 * Where readers are sent for web OAuth. WeChat serves it on open.weixin.qq.com, not on the API host; when
 * WECHAT_API_BASE points elsewhere (the sandbox, which serves `/connect/oauth2/authorize` itself) we use that.
 */
export function wechatOauthAuthorizeBase(apiBase: string): string {
  return apiBase === PRODUCTION_API_BASE ? "https://open.weixin.qq.com" : apiBase;
}

/** Public base URL of this app (for OAuth redirect URIs). */
export function appUrl(): string {
  return env().APP_URL.replace(/\/$/, "");
}
