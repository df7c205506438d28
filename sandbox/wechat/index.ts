/**
 * The WeChat Official Account stand-in: `startWechatSandbox({ port: 12113 })`; point the app's
 * WECHAT_API_BASE at it and its callback URL at the app. See README.md in this folder.
 */
import { createRateLimiter, createStandIn, HttpResponseError, type TMiddleware } from "@/sandbox/core";
import { decodeEncodingAesKey } from "@/lib/connectors/wechat/crypto";
import { createWechatControlRoutes } from "./control";
import { wechatErrorResponse, wechatErrorWriters } from "./errors";
import { createMessageRoutes } from "./messages";
import { createOauthRoutes } from "./oauth";
import { clickMenu, follow, sendText, unfollow, verifyServer, type TPhoneOptions } from "./phone";
import { createQrRoutes } from "./qrcode";
import { createWechatState, type TCallbackMode, type TWechatState } from "./state";
import { createTokenRoutes } from "./tokens";

export const WECHAT_SANDBOX_DEFAULT_PORT = 12113;

export type TWechatSandboxOptions = {
  port?: number;
  host?: string;
  appId?: string;
  appSecret?: string;
  originalId?: string;
  token?: string;
  encodingAesKey?: string;
  callbackUrl?: string;
  mode?: TCallbackMode;
  /** How long the phone waits for the app's answer (WeChat: 5 s) and how many tries (WeChat: 3). */
  callbackTimeoutMs?: number;
  callbackAttempts?: number;
  /** `GET /cgi-bin/token` calls allowed per day (WeChat's quota is 2000). */
  tokenDailyQuota?: number;
  now?: () => number;
  log?: (line: string) => void;
};

/** Demo credentials; the app's WECHAT_* variables must match them (or pass your own). */
export const WECHAT_SANDBOX_DEFAULTS = {
  appId: "wx5a1b2c3d4e5f6a7b",
  appSecret: "sandboxsecret0123456789abcdef0123",
  originalId: "gh_5a1b2c3d4e5f",
  token: "revbridgesandbox",
  encodingAesKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
  callbackUrl: "http://127.0.0.1:3000/api/wechat",
  mode: "safe" as TCallbackMode,
};

export async function startWechatSandbox(options: TWechatSandboxOptions = {}) {
  const account = {
    appId: options.appId ?? WECHAT_SANDBOX_DEFAULTS.appId,
    appSecret: options.appSecret ?? WECHAT_SANDBOX_DEFAULTS.appSecret,
    originalId: options.originalId ?? WECHAT_SANDBOX_DEFAULTS.originalId,
    token: options.token ?? WECHAT_SANDBOX_DEFAULTS.token,
    encodingAesKey: options.encodingAesKey ?? WECHAT_SANDBOX_DEFAULTS.encodingAesKey,
    callbackUrl: options.callbackUrl ?? WECHAT_SANDBOX_DEFAULTS.callbackUrl,
    mode: options.mode ?? WECHAT_SANDBOX_DEFAULTS.mode,
  };
  decodeEncodingAesKey(account.encodingAesKey); // fail at start, not on the first callback
  const state: TWechatState = createWechatState(account, options.now);
  const phoneDefaults: TPhoneOptions = {
    timeoutMs: options.callbackTimeoutMs,
    attempts: options.callbackAttempts,
  };
  const withDefaults = (o?: TPhoneOptions): TPhoneOptions => ({ ...phoneDefaults, ...o });
  const tokenQuota = createRateLimiter({
    windows: [
      { name: "DAILY", limit: options.tokenDailyQuota ?? 2000, intervalMs: 86_400_000, kind: "fixed" },
    ],
    now: state.nowMs,
  });
  const limitTokenCalls: TMiddleware = (req, next) => {
    if (req.path === "/cgi-bin/token" && !tokenQuota.take(req.query.get("appid") ?? "").allowed) {
      throw new HttpResponseError(wechatErrorResponse(45009));
    }
    return next();
  };

  const standIn = await createStandIn({
    name: "wechat",
    host: options.host,
    port: options.port ?? WECHAT_SANDBOX_DEFAULT_PORT,
    routes: [
      ...createTokenRoutes(state),
      ...createMessageRoutes(state),
      ...createQrRoutes(state),
      ...createOauthRoutes(state),
    ],
    controlRoutes: createWechatControlRoutes(state, phoneDefaults),
    middleware: [limitTokenCalls],
    errors: wechatErrorWriters,
    onReset: () => {
      state.reset();
      tokenQuota.reset();
    },
    getState: () => ({
      followers: [...state.followers.values()],
      tokens: state.tokens.length,
      qrcodes: state.qrcodes.size,
      sentMessages: state.sentMessages.length,
      replies: state.replies.length,
      currentFollower: state.currentFollower,
    }),
    log: options.log,
  });

  return {
    url: standIn.url,
    port: standIn.port,
    account: state.account,
    state,
    /** The phone, for in-process tests and scripts (the same as the control endpoints). */
    phone: {
      follow: (openid: string, via?: { ticket?: string; scene?: string }, o?: TPhoneOptions) =>
        follow(state, openid, via, withDefaults(o)),
      unfollow: (openid: string, o?: TPhoneOptions) => unfollow(state, openid, withDefaults(o)),
      click: (openid: string, eventKey: string, o?: TPhoneOptions) =>
        clickMenu(state, openid, eventKey, withDefaults(o)),
      sendText: (openid: string, content: string, o?: TPhoneOptions) =>
        sendText(state, openid, content, withDefaults(o)),
      verifyServer: () => verifyServer(state),
      setCurrentFollower: (openid: string | null) => {
        state.currentFollower = openid;
      },
    },
    reset: () => standIn.reset(),
    close: () => standIn.close(),
  };
}

export type TWechatSandbox = Awaited<ReturnType<typeof startWechatSandbox>>;
