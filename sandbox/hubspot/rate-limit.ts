import type { TMiddleware, TStandInResponse } from "../core";
import { LOCAL_ACCOUNT_KEY } from "./auth";
import { dailyLimitAnswer, searchLimitAnswer, tenSecondlyLimitAnswer } from "./errors";
import type { TPortal } from "./portal";

/** CRM search endpoints: exempt from the ten-secondly limit, subject to their own per-second one. */
export function isSearchRequest(method: string, path: string): boolean {
  return method === "POST" && /^\/crm\/v3\/objects\/[^/]+\/search$/.test(path);
}

/**
 * Per-account limits as HubSpot enforces them, with its rate-limit headers on every answer (429s
 * included) so a client can pace itself before it is refused.
 */
export function createRateLimitMiddleware(portal: TPortal): TMiddleware {
  return async (req, next) => {
    const account = (req.locals.get(LOCAL_ACCOUNT_KEY) as string | undefined) ?? "anonymous";
    const portalId = portal.settings().portalId;
    const search = isSearchRequest(req.method, req.path);

    let answer: TStandInResponse;
    if ((portal.dailyLimiter.peek(account)[0]?.remaining ?? 0) <= 0) {
      answer = dailyLimitAnswer(portalId);
    } else if (search && !portal.searchLimiter.take(account).allowed) {
      answer = searchLimitAnswer();
    } else if (!search && !portal.limiter.take(account).allowed) {
      answer = tenSecondlyLimitAnswer(portalId);
    } else {
      portal.dailyLimiter.take(account);
      answer = await next();
    }
    return { ...answer, headers: { ...answer.headers, ...rateLimitHeaders(portal, account) } };
  };
}

function rateLimitHeaders(portal: TPortal, account: string): Record<string, string> {
  const burst = portal.limiter.peek(account)[0]!;
  const daily = portal.dailyLimiter.peek(account)[0]!;
  return {
    "x-hubspot-ratelimit-interval-milliseconds": String(burst.intervalMs),
    "x-hubspot-ratelimit-max": String(burst.limit),
    "x-hubspot-ratelimit-remaining": String(burst.remaining),
    "x-hubspot-ratelimit-daily": String(daily.limit),
    "x-hubspot-ratelimit-daily-remaining": String(daily.remaining),
  };
}
