/** Only same-site paths may be a post-sign-in destination; anything else (absolute, protocol-relative) goes home. */
export function safeCallbackPath(raw: string | undefined): string {
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return "/";
  return raw;
}
