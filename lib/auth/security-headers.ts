/**
 * The browser-facing security headers, in one place. next.config.ts sends SECURITY_HEADERS on every
 * response and API_CSP on /api/*; proxy.ts sends pageCsp() with a fresh nonce on every page, because
 * the App Router streams inline `self.__next_f.push(…)` scripts that no fixed hash can allow.
 * Pure functions (no env, no Node APIs): next.config.ts and the edge-compatible proxy both load it.
 */

interface THeader {
  key: string;
  value: string;
}

/** Sent on pages and APIs alike. */
export const SECURITY_HEADERS: readonly THeader[] = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  {
    key: "Permissions-Policy",
    value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
  },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  // Browsers ignore HSTS on plain-HTTP responses (RFC 6797 §8.1), so local http://localhost stays
  // usable while every HTTPS deployment pins HTTPS for two years.
  { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" },
];

/** APIs return JSON, CSV or PNG and never need to run or embed anything. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The page policy. Scripts: only those carrying this response's nonce, plus what they load
 * ('strict-dynamic' — Next's chunk loader). Styles allow inline because React and Recharts write
 * style attributes. `dev` adds 'unsafe-eval', which React's development build needs for debugging.
 */
export function pageCsp(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** 128 random bits, base64 — what CSP nonces should be (Web Crypto: works in every runtime). */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
