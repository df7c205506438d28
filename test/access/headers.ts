/**
 * What every response must carry (test/access/access.int.test.ts): the browser hardening headers on
 * pages and APIs alike, a nonce-only script policy on pages (and that nonce on every inline
 * script, or the page would not run), a deny-all policy on APIs.
 */
import type { TRecorded } from "./http";

const COMMON: Record<string, RegExp> = {
  "x-content-type-options": /^nosniff$/,
  "x-frame-options": /^DENY$/,
  "referrer-policy": /^strict-origin-when-cross-origin$/,
  "permissions-policy": /camera=\(\).*microphone=\(\).*geolocation=\(\)/,
  "strict-transport-security": /^max-age=\d{8,}; includeSubDomains$/,
  "content-security-policy": /frame-ancestors 'none'/,
};

/** Problems with one response's headers (and, for HTML, its scripts); empty when all is well. */
export function headerProblems(res: TRecorded, kind: "page" | "api"): string[] {
  const problems: string[] = [];
  for (const [name, pattern] of Object.entries(COMMON)) {
    const value = res.headers.get(name);
    if (!value || !pattern.test(value)) problems.push(`${res.label} → ${res.status}: ${name} is ${value}`);
  }
  if (res.headers.get("x-powered-by")) problems.push(`${res.label}: X-Powered-By is sent`);
  const csp = res.headers.get("content-security-policy") ?? "";
  if (kind === "api") {
    if (!csp.includes("default-src 'none'")) problems.push(`${res.label}: API CSP is not deny-all: ${csp}`);
    return problems;
  }
  const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? "";
  const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
  if (!nonce) problems.push(`${res.label}: page CSP has no script nonce: ${csp}`);
  if (scriptSrc.includes("'unsafe-inline'") || scriptSrc.includes("'unsafe-eval'")) {
    problems.push(`${res.label}: page CSP allows unsafe scripts: ${scriptSrc}`);
  }
  if (!/object-src 'none'/.test(csp) || !/base-uri 'self'/.test(csp)) {
    problems.push(`${res.label}: page CSP lacks object-src/base-uri: ${csp}`);
  }
  if (nonce && res.headers.get("content-type")?.includes("text/html")) {
    for (const tag of res.body.match(/<script\b[^>]*>/g) ?? []) {
      if (!tag.includes(`nonce="${nonce}"`)) problems.push(`${res.label}: script without the nonce: ${tag}`);
    }
  }
  return problems;
}
