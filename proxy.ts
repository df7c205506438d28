import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { newNonce, pageCsp } from "@/lib/auth/security-headers";
import { parseEnv } from "@/lib/env";

const dev = parseEnv(z.object({ NODE_ENV: z.string().optional() })).NODE_ENV === "development";

/**
 * For every page: a fresh CSP nonce (Next reads it from the request's Content-Security-Policy header
 * and stamps it on its own scripts; the root layout reads `x-nonce` for the theme script), and the
 * requested path, so the console layout can send a visitor without a session to sign-in and bring
 * them back to the page they asked for. APIs get their fixed policy from next.config.ts.
 */
export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const csp = pageCsp(nonce, dev);
  const headers = new Headers(request.headers);
  headers.set("x-revbridge-path", request.nextUrl.pathname + request.nextUrl.search);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = { matcher: ["/((?!api/|_next/|favicon.ico).*)"] };
