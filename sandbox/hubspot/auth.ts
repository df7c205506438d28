import { timingSafeEqual } from "node:crypto";
import type { TMiddleware } from "../core";
import { unauthorized } from "./errors";
import type { TPortal } from "./portal";

/** RFC 6750 b64token: what a private-app token (`pat-na1-…`) or an OAuth access token looks like. */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

export const LOCAL_ACCOUNT_KEY = "portal";

/**
 * Any well-formed bearer token is accepted unless settings pin one; then only that token works,
 * compared in constant time. Missing or malformed → HubSpot's 401.
 */
export function createAuthMiddleware(portal: TPortal): TMiddleware {
  return (req, next) => {
    const match = BEARER.exec(req.header("authorization") ?? "");
    if (!match) return unauthorized();
    const pinned = portal.settings().accessToken;
    if (pinned !== null && !equalInConstantTime(match[1]!, pinned)) return unauthorized();
    req.locals.set(LOCAL_ACCOUNT_KEY, String(portal.settings().portalId));
    return next();
  };
}

function equalInConstantTime(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
