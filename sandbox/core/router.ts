import type { TRoute } from "./http-types";

interface TCompiledRoute<R extends TRoute> {
  route: R;
  id: string;
  segments: readonly string[];
  /** Static segments count first: `/objects/:type/batch/create` must beat `/objects/:type/:id/:x`. */
  score: number;
  order: number;
}

export interface TRouteMatch<R extends TRoute> {
  route: R;
  id: string;
  params: Record<string, string>;
}

function splitPath(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

/** Scores a pattern so that, segment by segment from the left, a static segment outranks a param. */
function scorePattern(segments: readonly string[]): number {
  let score = 0;
  for (const s of segments) score = score * 2 + (s.startsWith(":") ? 0 : 1);
  return score;
}

/**
 * A tiny method + path router. Patterns use `:name` segments; a trailing `*name` captures the rest.
 * Several providers share path shapes where a param position can also hold a literal (`batch`,
 * `search`), so the most specific pattern wins regardless of registration order.
 */
export function createRouter<R extends TRoute>(routes: readonly R[] = []) {
  const compiled: TCompiledRoute<R>[] = [];

  function add(route: R): void {
    const segments = splitPath(route.path);
    compiled.push({
      route,
      id: `${route.method.toUpperCase()} ${route.path}`,
      segments,
      score: scorePattern(segments),
      order: compiled.length,
    });
    compiled.sort((a, b) => b.segments.length - a.segments.length || b.score - a.score || a.order - b.order);
  }

  function matchSegments(
    pattern: readonly string[],
    actual: readonly string[],
  ): Record<string, string> | null {
    const params: Record<string, string> = {};
    for (let i = 0; i < pattern.length; i++) {
      const p = pattern[i]!;
      if (p.startsWith("*")) {
        params[p.slice(1)] = actual.slice(i).map(decodeSegment).join("/");
        return params;
      }
      const a = actual[i];
      if (a === undefined) return null;
      if (p.startsWith(":")) params[p.slice(1)] = decodeSegment(a);
      else if (p !== a) return null;
    }
    return pattern.length === actual.length ? params : null;
  }

  /** `null` when nothing matches the path; `methodNotAllowed` when the path exists for other methods. */
  function match(method: string, path: string): TRouteMatch<R> | { methodNotAllowed: true } | null {
    const actual = splitPath(path);
    const upper = method.toUpperCase();
    let pathMatched = false;
    for (const c of compiled) {
      const last = c.segments[c.segments.length - 1];
      const isWildcard = last?.startsWith("*") ?? false;
      if (!isWildcard && c.segments.length !== actual.length) continue;
      const params = matchSegments(c.segments, actual);
      if (!params) continue;
      if (c.route.method.toUpperCase() !== upper) {
        pathMatched = true;
        continue;
      }
      return { route: c.route, id: c.id, params };
    }
    return pathMatched ? { methodNotAllowed: true } : null;
  }

  for (const r of routes) add(r);
  return { add, match };
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export type TRouter<R extends TRoute> = ReturnType<typeof createRouter<R>>;
