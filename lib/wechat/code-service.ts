import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { formatCode } from "@/lib/identity/code";
import { issueCode } from "@/lib/identity/issue-code";
import { codeRateLimiter, type TRateLimit } from "./rate-limit";

/** OpenIDs are 28 characters of [A-Za-z0-9_-] in practice; accept a little more, refuse anything odd. */
export const ZOpenid = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{6,64}$/, "must be a WeChat OpenID (6–64 letters, digits, - or _)");

export type TCodeForOpenid = { openid: string; code: string };

/**
 * The code for an OpenID the caller already knows (the web page after OAuth, or another app with an API
 * key): rate-limited per OpenID and per client address, then issued or re-read atomically.
 */
export async function codeForOpenid(input: {
  openid: string;
  ip: string;
  language?: "zh" | "en" | null;
  limits: { perOpenid: TRateLimit; perIp: TRateLimit };
}): Promise<TCodeForOpenid> {
  const parsed = ZOpenid.safeParse(input.openid);
  if (!parsed.success) throw new AppError("bad_request", "That is not a WeChat OpenID.");
  const openid = parsed.data;
  const wait = Math.max(
    codeRateLimiter.take(`ip:${input.ip}`, input.limits.perIp),
    codeRateLimiter.take(`openid:${openid}`, input.limits.perOpenid),
  );
  if (wait > 0) {
    throw new AppError("rate_limited", `Too many code requests; try again in ${Math.ceil(wait / 1000)} s.`);
  }
  const result = await issueCode({ openid, language: input.language ?? null });
  return { openid, code: formatCode(result.code!) };
}
