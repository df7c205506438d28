/**
 * Only same-site destinations are allowed after sign-in. A path is kept as is; an absolute URL
 * (next-auth makes callbackUrl absolute after a failed attempt) is kept only when it points at `host`,
 * and reduced to its path. Anything else — another site, protocol-relative — goes home.
 */
export function safeCallbackPath(raw: string | undefined, host?: string | null): string {
  if (!raw) return "/";
  if (raw.startsWith("/") && !raw.startsWith("//") && !raw.startsWith("/\\")) return raw;
  try {
    const url = new URL(raw);
    if (host && url.host === host && (url.protocol === "http:" || url.protocol === "https:")) {
      return `${url.pathname}${url.search}`;
    }
  } catch {
    // not a URL
  }
  return "/";
}
