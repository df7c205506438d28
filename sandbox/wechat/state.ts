/**
 * The stand-in's Official Account: its credentials, the followers (the "phones"), tokens, QR codes,
 * OAuth codes and what the app sent — plus a movable clock so 2-hour tokens, 5-minute codes and the
 * 48-hour service window can be tested without waiting.
 */
export type TCallbackMode = "plain" | "compatible" | "safe";

export interface TWechatAccount {
  appId: string;
  appSecret: string;
  /** The account's original id (`gh_…`): `ToUserName` of every callback. */
  originalId: string;
  token: string;
  encodingAesKey: string;
  callbackUrl: string;
  mode: TCallbackMode;
}

export interface TFollower {
  openid: string;
  unionid: string | null;
  subscribed: boolean;
  subscribedAt: number | null;
  /** Last time the follower messaged, clicked, scanned or subscribed: opens the 48-hour window. */
  lastInteractionAt: number | null;
  scene: string | null;
}

export interface TIssuedToken {
  token: string;
  kind: "normal" | "stable";
  expiresAt: number;
  /** Set when a newer token of the same kind replaced it: valid until then (5-minute grace). */
  retiresAt: number | null;
}

export interface TQrCode {
  ticket: string;
  actionName: "QR_SCENE" | "QR_STR_SCENE" | "QR_LIMIT_SCENE" | "QR_LIMIT_STR_SCENE";
  scene: string;
  url: string;
  expiresAt: number | null;
}

export interface TOauthCode {
  code: string;
  openid: string;
  scope: string;
  expiresAt: number;
  used: boolean;
}

export interface TSentMessage {
  touser: string;
  msgtype: string;
  content: string | null;
  sentAt: number;
}

export interface TRecordedReply {
  openid: string;
  /** Callback kind that produced it: `text`, `subscribe`, `CLICK`, `SCAN`, … */
  trigger: string;
  msgId: string | null;
  receivedAt: number;
  encrypted: boolean;
  /** Parsed passive reply fields (`MsgType`, `Content`, …) or null for an empty / "success" answer. */
  message: Record<string, string> | null;
  /** Why WeChat would show "该公众号暂时无法提供服务" instead of the reply, if it would. */
  problem: string | null;
}

export const TOKEN_TTL_SECONDS = 7200;
export const TOKEN_GRACE_SECONDS = 300;
export const OAUTH_CODE_TTL_SECONDS = 300;
export const SERVICE_WINDOW_SECONDS = 48 * 3600;

export function createWechatState(account: TWechatAccount, baseNow: () => number = Date.now) {
  let offsetMs = 0;
  const state = {
    account: { ...account },
    followers: new Map<string, TFollower>(),
    tokens: [] as TIssuedToken[],
    qrcodes: new Map<string, TQrCode>(),
    oauthCodes: new Map<string, TOauthCode>(),
    oauthTokens: new Map<string, { openid: string; expiresAt: number }>(),
    /** The follower whose phone opens OAuth links (the sandbox's "current WeChat user"). */
    currentFollower: null as string | null,
    sentMessages: [] as TSentMessage[],
    replies: [] as TRecordedReply[],
    nowMs: () => baseNow() + offsetMs,
    now: () => Math.floor((baseNow() + offsetMs) / 1000),
    /** Moves the sandbox clock forward (tests of expiry and the 48-hour window). */
    advanceClock(seconds: number): void {
      offsetMs += seconds * 1000;
    },
    follower(openid: string): TFollower {
      let f = state.followers.get(openid);
      if (!f) {
        f = {
          openid,
          unionid: null,
          subscribed: false,
          subscribedAt: null,
          lastInteractionAt: null,
          scene: null,
        };
        state.followers.set(openid, f);
      }
      return f;
    },
    reset(): void {
      offsetMs = 0;
      state.followers.clear();
      state.tokens = [];
      state.qrcodes.clear();
      state.oauthCodes.clear();
      state.oauthTokens.clear();
      state.currentFollower = null;
      state.sentMessages = [];
      state.replies = [];
    },
  };
  return state;
}

export type TWechatState = ReturnType<typeof createWechatState>;
