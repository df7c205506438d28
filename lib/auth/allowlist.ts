/** Parses `AUTH_ALLOWED_DOMAINS` ("a.edu, b.cn") into lower-case domains. */
export function parseAllowedDomains(raw: string): string[] {
  return raw
    .split(",")
    .map((d) => d.trim().toLowerCase().replace(/^@/, ""))
    .filter(Boolean);
}

/** An OIDC sign-in is allowed only for an exact domain on the list (no suffix tricks: `evil-school.edu` ≠ `school.edu`). */
export function isEmailAllowed(email: string, allowed: readonly string[]): boolean {
  const at = email.lastIndexOf("@");
  if (at < 1) return false;
  const domain = email.slice(at + 1).toLowerCase();
  return allowed.includes(domain);
}
