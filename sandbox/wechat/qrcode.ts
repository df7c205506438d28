/**
 * Parametric QR codes (https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Generating_a_Parametric_QR_Code.html):
 * `POST /cgi-bin/qrcode/create` → `{ ticket, expire_seconds, url }`, `GET /cgi-bin/showqrcode?ticket=` → PNG.
 * Scanning one on the sandbox phone subscribes with `EventKey qrscene_<scene>` and the `Ticket`.
 */
import QRCode from "qrcode";
import { jsonResponse, textResponse, type TRoute } from "@/sandbox/core";
import { wechatError } from "./errors";
import { randomWechatString } from "./ids";
import type { TQrCode, TWechatState } from "./state";
import { requireAccessToken } from "./tokens";

const DEFAULT_EXPIRE_SECONDS = 60;
const MAX_EXPIRE_SECONDS = 2_592_000;

type TCreateBody = {
  expire_seconds?: unknown;
  action_name?: unknown;
  action_info?: { scene?: { scene_id?: unknown; scene_str?: unknown } };
};

export function createQrCode(state: TWechatState, body: TCreateBody | undefined): TQrCode {
  if (!body || typeof body !== "object") throw wechatError(44002);
  const action = body.action_name;
  if (
    action !== "QR_SCENE" &&
    action !== "QR_STR_SCENE" &&
    action !== "QR_LIMIT_SCENE" &&
    action !== "QR_LIMIT_STR_SCENE"
  ) {
    throw wechatError(40052);
  }
  const scene = body.action_info?.scene;
  let sceneValue: string;
  if (action.endsWith("STR_SCENE")) {
    const s = scene?.scene_str;
    if (typeof s !== "string" || s.length < 1 || s.length > 64) throw wechatError(40053);
    sceneValue = s;
  } else {
    const id = scene?.scene_id;
    const max = action === "QR_LIMIT_SCENE" ? 100_000 : 4_294_967_295;
    if (typeof id !== "number" || !Number.isInteger(id) || id < 1 || id > max) throw wechatError(40053);
    sceneValue = String(id);
  }
  const permanent = action.startsWith("QR_LIMIT");
  let expiresAt: number | null = null;
  if (!permanent) {
    const requested =
      typeof body.expire_seconds === "number" ? Math.floor(body.expire_seconds) : DEFAULT_EXPIRE_SECONDS;
    expiresAt = state.now() + Math.min(Math.max(requested, 60), MAX_EXPIRE_SECONDS);
  }
  const ticket = `gQ${randomWechatString(94)}`;
  const qr: TQrCode = {
    ticket,
    actionName: action,
    scene: sceneValue,
    url: `http://weixin.qq.com/q/${randomWechatString(22)}`,
    expiresAt,
  };
  state.qrcodes.set(ticket, qr);
  return qr;
}

/** The QR code a ticket names, if it exists and has not expired. */
export function findQrCode(state: TWechatState, ticket: string): TQrCode | undefined {
  const qr = state.qrcodes.get(ticket);
  if (!qr || (qr.expiresAt !== null && state.now() >= qr.expiresAt)) return undefined;
  return qr;
}

export function createQrRoutes(state: TWechatState): TRoute[] {
  return [
    {
      method: "POST",
      path: "/cgi-bin/qrcode/create",
      handler: (req) => {
        requireAccessToken(state, req);
        const qr = createQrCode(state, req.json<TCreateBody>());
        return jsonResponse(200, {
          ticket: qr.ticket,
          ...(qr.expiresAt !== null ? { expire_seconds: qr.expiresAt - state.now() } : {}),
          url: qr.url,
        });
      },
    },
    {
      method: "GET",
      path: "/cgi-bin/showqrcode",
      handler: async (req) => {
        const qr = findQrCode(state, req.query.get("ticket") ?? "");
        if (!qr) return textResponse(404, "ticket not found or expired");
        const png = await QRCode.toBuffer(qr.url, { type: "png", margin: 2, width: 430 });
        return { status: 200, body: png, contentType: "image/png" };
      },
    },
  ];
}
