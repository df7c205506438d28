import { NextResponse, type NextRequest } from "next/server";

/**
 * Passes the requested page path to server components, so the console layout can send a visitor
 * without a session to sign-in and bring them back to the page they asked for.
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set("x-revbridge-path", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ["/((?!api/|_next/|favicon.ico).*)"] };
