/**
 * Fuzzing every console API handler under app/api/console (found by walking the route tree, so a new
 * route is fuzzed without touching this file), signed in as ADMIN so every handler's code is reachable.
 * Each exported method gets junk params, queries, content types and bodies: mutations must answer a 4xx
 * with a reason and write nothing; GETs may answer 2xx but never a 5xx, and write nothing either.
 * (Roles, CSRF and sessions are the access test's subject; a few cross-origin requests are mixed in.)
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import type * as NextAuth from "next-auth";
import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { z } from "zod";
import { ZEventMapping } from "@/lib/events/mapping";
import { ZCreateImport } from "@/lib/imports/types";
import { withFreshDatabase } from "@/test/db";
import { stubAppEnv } from "@/test/env";
import { contentType, headerText, junkBody, junkQuery, junkSegment } from "./support/arbitraries";
import { SAME_ORIGIN, session, signInAsAdmin } from "./support/console-session";
import { expectRefused, fuzzRequest, readAnswer, type TBody } from "./support/http";
import { fuzzNoChange, quietRefusalLogs } from "./support/property";
import { consoleFuzzRuns, fuzzTimeout } from "./support/runs";

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof NextAuth>()),
  getServerSession: () => Promise.resolve(session.userId ? { user: { id: session.userId } } : null),
}));

const database = withFreshDatabase();
const ROOT = path.resolve(import.meta.dirname, "../..");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type THandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Every route.ts under app/api/console, as [URL path pattern, file]. */
function consoleRoutes(dir = path.join(ROOT, "app/api/console")): [string, string][] {
  const out: [string, string][] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...consoleRoutes(full));
    else if (entry.name === "route.ts") {
      out.push(["/" + path.relative(path.join(ROOT, "app"), dir).split(path.sep).join("/"), full]);
    }
  }
  return out.sort();
}

const routes = consoleRoutes();

beforeAll(async () => {
  quietRefusalLogs();
  stubAppEnv(database.url(), {
    // Outbound calls a junk request might reach go nowhere (refused connections, not hangs).
    HUBSPOT_ACCESS_TOKEN: "pat-na1-fuzz",
    HUBSPOT_API_BASE: "http://127.0.0.1:9",
    WECHAT_APP_ID: "wxfuzz0000000001",
    WECHAT_APP_SECRET: "fuzz",
    WECHAT_TOKEN: "fuzz",
    WECHAT_API_BASE: "http://127.0.0.1:9",
  });
  await signInAsAdmin();
});

it("finds the console routes", () => {
  expect(routes.length).toBeGreaterThan(40);
});

/**
 * Mutations whose body is a filter or confirmation with only optional fields: any JSON object (unknown
 * keys are dropped) is a valid request, so they may answer 2xx — still without writing anything here,
 * since no dead letter exists in the fuzz database.
 */
const ACCEPTS_ANY_OBJECT = new Set(["POST /api/console/dead-letters/replay-all"]);

/**
 * Mutations where a body the generators can produce is a real, valid request that rightly changes
 * something (`{}` resets the event mapping to its defaults): such bodies are left out, not judged.
 */
const VALID_BODIES: Record<string, z.ZodType> = {
  "PUT /api/console/events/mapping": ZEventMapping,
  "POST /api/console/imports": ZCreateImport, // `{"name": …}` creates an import job
};

function isValidJsonBody(schema: z.ZodType, type: string | undefined, body: TBody): boolean {
  if (!type?.toLowerCase().startsWith("application/json")) return false;
  try {
    // Decoded as the handler decodes it (TextDecoder drops a leading BOM).
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : (body ?? new Uint8Array());
    const text = new TextDecoder().decode(bytes);
    return schema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

/** Some reads ask a provider (identity search asks HubSpot): the rate governor books each such call (RateLimitState, RateLimitMinute). */
const GET_MAY_CALL_PROVIDERS = (method: string) =>
  method === "GET" ? { allowedTables: ["RateLimitState", "RateLimitMinute"] } : {};

const origin = fc.oneof(
  { weight: 9, arbitrary: fc.constant(SAME_ORIGIN as Record<string, string>) },
  { weight: 1, arbitrary: headerText.map((o) => ({ origin: o, host: "localhost" })) },
);

describe.each(routes)("%s under fuzz", (pattern, file) => {
  const paramNames = [...pattern.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!);
  it.each(METHODS)(
    "%s: junk is refused (mutations 4xx) without a 5xx or a write",
    async (method) => {
      const mod = (await import(file)) as Partial<Record<(typeof METHODS)[number], THandler>>;
      const handler = mod[method];
      if (!handler) return;
      const validBody = VALID_BODIES[`${method} ${pattern}`];
      const input = fc
        .record({
          params: fc.tuple(...paramNames.map(() => junkSegment)),
          query: junkQuery([
            "q",
            "status",
            "window",
            "from",
            "to",
            "page",
            "limit",
            "download",
            "name",
            "kind",
          ]),
          type: contentType,
          body: junkBody([
            "name",
            "scene",
            "role",
            "mode",
            "kind",
            "job",
            "scopes",
            "reason",
            "mapping",
            "limits",
          ]),
          headers: origin,
        })
        .filter((i) => !validBody || !isValidJsonBody(validBody, i.type, i.body));
      await fuzzNoChange(
        input,
        async (i) => {
          const params = Object.fromEntries(paramNames.map((n, k) => [n, i.params[k]!]));
          const request = fuzzRequest(`http://localhost${pattern.replace(/\[[^\]]+\]/g, "x")}${i.query}`, {
            method,
            body: i.body,
            headers: { ...i.headers, "content-type": i.type },
          });
          const res = await handler(request, { params: Promise.resolve(params) });
          if (method === "GET") await readAnswer(res);
          else if (ACCEPTS_ANY_OBJECT.has(`${method} ${pattern}`)) await readAnswer(res);
          else await expectRefused(res);
        },
        { runs: consoleFuzzRuns, ...GET_MAY_CALL_PROVIDERS(method) },
      );
    },
    fuzzTimeout(),
  );
});
