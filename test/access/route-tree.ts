/**
 * Every route the app serves, read from the app/ tree the way Next maps it: `route.ts` files with
 * the HTTP methods they export, `page.tsx` files as pages. The access test keys its expectations on
 * this list, so a new route or method cannot ship without one.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type THttpMethod = (typeof HTTP_METHODS)[number];

export interface TRouteEntry {
  /** `GET /api/console/imports/[id]` or `PAGE /funnel/roi`. */
  key: string;
  /** The URL pattern, dynamic segments kept as `[name]` / `[...name]`. */
  pattern: string;
  method: THttpMethod | "PAGE";
  file: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith("_") ? [] : walk(full);
    return [full];
  });
}

/** `app/(console)/funnel/roi/page.tsx` → `/funnel/roi`: route groups and private folders vanish. */
export function urlPattern(appDir: string, file: string): string {
  const segments = path
    .relative(appDir, path.dirname(file))
    .split(path.sep)
    .filter((s) => s !== "" && !/^\(.*\)$/.test(s) && !s.startsWith("@"));
  return `/${segments.join("/")}`;
}

/**
 * The HTTP methods a route module exports, from its source: `export const GET =`,
 * `export async function POST`, `export const { GET, POST } = …`, `export { handler as GET }`.
 */
export function exportedMethods(source: string): THttpMethod[] {
  const names = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:async\s+)?(?:function|const|let|var)\s+([A-Z]+)\b/g)) {
    names.add(m[1]!);
  }
  for (const m of source.matchAll(/export\s+(?:const|let|var)\s*\{([^}]*)\}\s*=/g)) {
    for (const part of m[1]!.split(",")) names.add(part.split(":").pop()!.trim());
  }
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(","))
      names.add(
        part
          .split(/\s+as\s+/)
          .pop()!
          .trim(),
      );
  }
  return HTTP_METHODS.filter((method) => names.has(method));
}

export function routeTree(root: string): TRouteEntry[] {
  const appDir = path.join(root, "app");
  const entries: TRouteEntry[] = [];
  for (const file of walk(appDir).sort()) {
    const base = path.basename(file);
    if (/^route\.(ts|js)$/.test(base)) {
      const methods = exportedMethods(readFileSync(file, "utf8"));
      if (methods.length === 0) throw new Error(`${file} exports no HTTP method the access test can see`);
      const pattern = urlPattern(appDir, file);
      for (const method of methods) entries.push({ key: `${method} ${pattern}`, pattern, method, file });
    } else if (/^page\.(tsx|ts|jsx|js)$/.test(base)) {
      const pattern = urlPattern(appDir, file);
      entries.push({ key: `PAGE ${pattern}`, pattern, method: "PAGE", file });
    }
  }
  return entries;
}

/** A concrete URL for a pattern: each dynamic segment gets the sample value named for it. */
export function samplePath(pattern: string, samples: Record<string, string>): string {
  return pattern.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, (_, name: string) => {
    const value = samples[name];
    if (value === undefined) throw new Error(`No sample value for [${name}] in ${pattern}`);
    return encodeURIComponent(value);
  });
}
