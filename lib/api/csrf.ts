import { AppError } from "@/lib/errors";

/**
 * Console mutations ride on the session cookie, so a cross-site form or fetch must not be able to
 * trigger them. Browsers send Origin on every non-GET fetch; we require it to match the host
 * (SameSite=Lax cookies are the first line, this is the second).
 */
export function assertSameOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  const fetchSite = request.headers.get("sec-fetch-site");
  if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") {
    throw new AppError("forbidden", "Cross-site requests cannot change RevBridge data.");
  }
  if (!origin) {
    throw new AppError("forbidden", "Missing Origin header: console changes must come from the console.");
  }
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new AppError("forbidden", "Malformed Origin header.");
  }
  if (!host || originHost !== host) {
    throw new AppError("forbidden", "Cross-site requests cannot change RevBridge data.");
  }
}
