/**
 * The access test (issue 10, item 4): every route in app/ against the real production server
 * (`next start`: proxy.ts, next.config.ts headers, next-auth sign-in as each demo role).
 * - the route tree and ACCESS_MATRIX list the same routes and methods;
 * - no session → 401 on console APIs, redirect to sign-in on console pages;
 * - below the required role → 403 (VIEWER can change nothing; OPERATOR no limits, keys or users);
 *   at or above it the request passes authorization;
 * - cross-site and Origin-less cookie mutations → 403, even as ADMIN;
 * - public routes answer without a session and refuse bad credentials;
 * - every denied request leaves every table unchanged;
 * - security headers on every page and API response; API keys stored only as hashes;
 * - no configured secret, issued key, password or session token in the server's logs or responses.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasRole, ROLES, type Role } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { DEMO_USERS, seedDemoUsers } from "@/scripts/lib/seed";
import { withFreshDatabase } from "@/test/db";
import { headerProblems } from "./headers";
import { createClient, databaseFingerprint } from "./http";
import { ACCESS_MATRIX, SAMPLE_PARAMS, type TExpectation } from "./matrix";
import { probeAcceptance, probeRefusals, type TProbeContext } from "./public-probes";
import { exportedMethods, routeTree, samplePath, type TRouteEntry } from "./route-tree";
import { ROOT, startAccessServer, type TAccessServer } from "./server";

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const routes = routeTree(ROOT);
const expectationOf = (r: TRouteEntry): TExpectation => ACCESS_MATRIX[r.key]!;
const pathOf = (r: TRouteEntry) => samplePath(r.pattern, SAMPLE_PARAMS);
const consoleApis = routes.filter((r) => expectationOf(r)?.kind === "console");
const pages = routes.filter((r) => r.method === "PAGE");
const errorCode = (body: string) => (JSON.parse(body) as { error?: { code?: string } }).error?.code;

describe("access matrix", () => {
  it("reads every export form a route module uses", () => {
    expect(
      exportedMethods("export const GET = consoleRoute({}, h);\nexport async function POST() {}"),
    ).toEqual(["GET", "POST"]);
    expect(exportedMethods("export const { GET, POST, PUT } = serve({});")).toEqual(["GET", "POST", "PUT"]);
    expect(exportedMethods("export { handler as GET, handler as POST };")).toEqual(["GET", "POST"]);
    expect(exportedMethods("export const dynamic = 'force-dynamic';")).toEqual([]);
  });

  it("the header check flags a missing header and a script without the nonce", () => {
    const csp =
      "default-src 'self'; script-src 'self' 'nonce-abc' 'strict-dynamic'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";
    const res = {
      label: "GET /x",
      url: "/x",
      status: 200,
      headers: new Headers({ "content-security-policy": csp, "content-type": "text/html" }),
      body: '<script nonce="abc">1</script><script>2</script>',
    };
    const problems = headerProblems(res, "page");
    expect(problems.some((p) => p.includes("x-content-type-options"))).toBe(true);
    expect(problems.some((p) => p.includes("script without the nonce: <script>"))).toBe(true);
    expect(problems.some((p) => p.includes('<script nonce="abc">'))).toBe(false);
  });

  it("lists exactly the routes and methods of the app/ tree", () => {
    const inTree = new Set(routes.map((r) => r.key));
    expect(routes.length).toBeGreaterThan(80);
    expect(routes.filter((r) => !(r.key in ACCESS_MATRIX)).map((r) => `${r.key} (${r.file})`)).toEqual([]);
    expect(Object.keys(ACCESS_MATRIX).filter((k) => !inTree.has(k))).toEqual([]);
  });

  it("gives VIEWER no mutation and keeps limits, API keys and users for ADMIN", () => {
    const viewerMutations = consoleApis.filter(
      (r) => MUTATING.has(r.method) && (expectationOf(r) as { role: Role }).role === "VIEWER",
    );
    expect(viewerMutations.map((r) => r.key)).toEqual([]);
    for (const key of [
      "PATCH /api/console/rate-limits",
      "POST /api/console/api-keys",
      "DELETE /api/console/api-keys/[id]",
      "GET /api/console/api-keys",
      "PATCH /api/console/users/[id]",
    ]) {
      expect(ACCESS_MATRIX[key], key).toEqual({ kind: "console", role: "ADMIN" });
    }
  });
});

describe("access over HTTP against the production build", () => {
  const database = withFreshDatabase();
  let server: TAccessServer;
  let client: ReturnType<typeof createClient>;
  const cookies = {} as Record<Role, string>;
  const issuedKeys: string[] = [];
  /** Responses that legitimately carry a secret once (the key-creation answer). */
  const allowedToShowKey = new Set<number>();
  let probe: TProbeContext;

  const unchanged = async (phase: () => Promise<void>) => {
    const before = await databaseFingerprint(database.url());
    await phase();
    expect(await databaseFingerprint(database.url())).toEqual(before);
  };

  beforeAll(async () => {
    await seedDemoUsers();
    server = await startAccessServer(database.url());
    client = createClient(server.url);
    for (const u of DEMO_USERS) cookies[u.role] = await client.signIn(u.email, u.password);
  }, 900_000);

  afterAll(async () => {
    await server?.stop();
  });

  it("without a session: console APIs answer 401, console pages redirect to sign-in, nothing is written", async () => {
    const problems: string[] = [];
    await unchanged(async () => {
      for (const r of consoleApis) {
        const res = await client.call(r.method, pathOf(r), MUTATING.has(r.method) ? { body: {} } : {});
        if (res.status !== 401 || errorCode(res.body) !== "unauthorized")
          problems.push(`${r.key} → ${res.status}`);
      }
      for (const r of pages) {
        const path = pathOf(r);
        const res = await client.call("GET", path);
        const location = res.headers.get("location") ?? "";
        const toSignIn = location.startsWith(`/signin?callbackUrl=${encodeURIComponent(path)}`);
        if (expectationOf(r).kind === "page" && !(res.status === 307 && toSignIn)) {
          problems.push(`${r.key} → ${res.status} ${location}`);
        }
        if (
          expectationOf(r).kind === "public-page" &&
          (res.status >= 400 || location.startsWith("/signin?"))
        ) {
          problems.push(`${r.key} (public) → ${res.status} ${location}`);
        }
      }
    });
    expect(problems).toEqual([]);
  });

  it("below the required role: 403 for every console API and method, nothing is written", async () => {
    const problems: string[] = [];
    let denied = 0;
    await unchanged(async () => {
      for (const r of consoleApis) {
        const { role } = expectationOf(r) as { role: Role };
        for (const actual of ROLES.filter((a) => !hasRole(a, role))) {
          const res = await client.call(r.method, pathOf(r), {
            cookie: cookies[actual],
            ...(MUTATING.has(r.method) ? { body: {} } : {}),
          });
          denied++;
          if (res.status !== 403 || !res.body.includes(`needs the ${role} role`)) {
            problems.push(`${r.key} as ${actual} → ${res.status} ${res.body.slice(0, 120)}`);
          }
        }
      }
    });
    expect(problems).toEqual([]);
    expect(denied).toBeGreaterThan(40);
  });

  it("at or above the required role: every console API passes authorization and never fails with 5xx", async () => {
    const problems: string[] = [];
    const callAllowed = async (r: TRouteEntry) => {
      const { role } = expectationOf(r) as { role: Role };
      for (const actual of ROLES.filter((a) => hasRole(a, role))) {
        // A missing id or an empty body gives 400/404: authorization passed, nothing to change.
        const res = await client.call(r.method, pathOf(r), {
          cookie: cookies[actual],
          ...(MUTATING.has(r.method) ? { body: {} } : {}),
        });
        if ([401, 403].includes(res.status) || res.status >= 500) {
          problems.push(`${r.key} as ${actual} → ${res.status} ${res.body.slice(0, 160)}`);
        }
      }
    };
    // Reads (APIs and pages) write nothing: GET carries no CSRF check, so it must not need one.
    await unchanged(async () => {
      for (const r of consoleApis.filter((x) => !MUTATING.has(x.method))) await callAllowed(r);
      for (const r of pages.filter((p) => expectationOf(p).kind === "page")) {
        for (const actual of ROLES) {
          const res = await client.call("GET", pathOf(r), { cookie: cookies[actual] });
          if (res.status !== 200) problems.push(`${r.key} as ${actual} → ${res.status}`);
        }
      }
    });
    for (const r of consoleApis.filter((x) => MUTATING.has(x.method))) await callAllowed(r);
    expect(problems).toEqual([]);
  });

  it("cookie mutations from another site, or without Origin, are refused even for ADMIN", async () => {
    const problems: string[] = [];
    const attempts: { label: string; origin: string | null; headers?: Record<string, string> }[] = [
      { label: "foreign Origin", origin: "https://evil.example" },
      { label: "no Origin", origin: null },
      { label: "cross-site fetch", origin: server.url, headers: { "sec-fetch-site": "cross-site" } },
      { label: "look-alike host", origin: server.url.replace("localhost", "localhost.evil.example") },
    ];
    await unchanged(async () => {
      for (const r of consoleApis.filter((x) => MUTATING.has(x.method))) {
        for (const a of attempts) {
          const res = await client.call(r.method, pathOf(r), {
            cookie: cookies.ADMIN,
            origin: a.origin,
            headers: a.headers,
            body: {},
          });
          if (res.status !== 403) problems.push(`${r.key} (${a.label}) → ${res.status}`);
        }
      }
    });
    expect(problems).toEqual([]);
  });

  it("ADMIN changes limits, keys and users; OPERATOR gets 403 there but runs operator actions", async () => {
    const viewer = await db().user.findUniqueOrThrow({ where: { email: "viewer@demo.revbridge.dev" } });
    const operator = await db().user.findUniqueOrThrow({ where: { email: "operator@demo.revbridge.dev" } });
    const limit = { provider: "HUBSPOT", bucket: "access-test", ratePerSecond: 3, burst: 5 };
    const keyBody = { name: "access test", scopes: ["events:write"] };
    const { call } = client;

    await unchanged(async () => {
      expect(
        (await call("PATCH", "/api/console/rate-limits", { cookie: cookies.OPERATOR, body: limit })).status,
      ).toBe(403);
      expect(
        (await call("POST", "/api/console/api-keys", { cookie: cookies.OPERATOR, body: keyBody })).status,
      ).toBe(403);
      const promote = { cookie: cookies.OPERATOR, body: { role: "ADMIN" } };
      expect((await call("PATCH", `/api/console/users/${operator.id}`, promote)).status).toBe(403);
    });

    expect(
      (await call("PATCH", "/api/console/rate-limits", { cookie: cookies.ADMIN, body: limit })).status,
    ).toBe(200);
    const raised = await call("PATCH", `/api/console/users/${viewer.id}`, {
      cookie: cookies.ADMIN,
      body: { role: "OPERATOR" },
    });
    expect(raised.status).toBe(200);
    expect(
      (
        await call("PATCH", `/api/console/users/${viewer.id}`, {
          cookie: cookies.ADMIN,
          body: { role: "VIEWER" },
        })
      ).status,
    ).toBe(200);
    const campaign = await call("POST", "/api/console/campaigns", {
      cookie: cookies.OPERATOR,
      body: { name: "Access test" },
    });
    expect(campaign.status, campaign.body).toBe(200);

    // The role is read from the database on every request, not from the session token.
    await call("PATCH", `/api/console/users/${operator.id}`, {
      cookie: cookies.ADMIN,
      body: { role: "VIEWER" },
    });
    expect(
      (await call("POST", "/api/console/campaigns", { cookie: cookies.OPERATOR, body: { name: "x" } }))
        .status,
    ).toBe(403);
    await call("PATCH", `/api/console/users/${operator.id}`, {
      cookie: cookies.ADMIN,
      body: { role: "OPERATOR" },
    });
    expect(
      (await call("POST", "/api/console/campaigns", { cookie: cookies.OPERATOR, body: { name: "y" } }))
        .status,
    ).toBe(200);

    // A disabled account's still-valid session token opens nothing.
    await db().user.update({ where: { id: viewer.id }, data: { disabled: true } });
    expect((await call("GET", "/api/console/overview", { cookie: cookies.VIEWER })).status).toBe(401);
    expect((await call("GET", "/settings", { cookie: cookies.VIEWER })).status).toBe(307);
    await db().user.update({ where: { id: viewer.id }, data: { disabled: false } });
    expect((await call("GET", "/api/console/overview", { cookie: cookies.VIEWER })).status).toBe(200);
  });

  it("API keys: issued once by ADMIN, stored only as a sha256 hash, nowhere in plaintext", async () => {
    const issue = async (scopes: string[]) => {
      const res = await client.call("POST", "/api/console/api-keys", {
        cookie: cookies.ADMIN,
        body: { name: `access ${scopes.join("+")}`, scopes },
      });
      expect(res.status, res.body).toBe(200);
      allowedToShowKey.add(client.recorded.length - 1);
      const created = (JSON.parse(res.body) as { apiKey: { id: string; key: string } }).apiKey;
      issuedKeys.push(created.key);
      return created;
    };
    const events = await issue(["events:write"]);
    const businessAndCode = await issue(["business:write", "wechat:code"]);
    const revoked = await issue(["events:write", "business:write", "wechat:code"]);
    const del = await client.call("DELETE", `/api/console/api-keys/${revoked.id}`, { cookie: cookies.ADMIN });
    expect(del.status).toBe(200);
    const listed = await client.call("GET", "/api/console/api-keys", { cookie: cookies.ADMIN });
    for (const key of issuedKeys) expect(listed.body).not.toContain(key);

    for (const { id, key } of [events, businessAndCode, revoked]) {
      const row = await db().apiKey.findUniqueOrThrow({ where: { id } });
      expect(row.hash).toBe(createHash("sha256").update(key).digest("hex"));
      expect(key.startsWith(row.prefix)).toBe(true);
    }
    const pgc = new pg.Client({ connectionString: database.url() });
    await pgc.connect();
    try {
      const tables = await pgc.query<{ name: string }>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
      );
      for (const key of issuedKeys) {
        const secretPart = key.slice(12); // beyond the stored prefix (rbk_ + 6 characters)
        for (const { name } of tables.rows) {
          const hit = await pgc.query(
            `SELECT 1 FROM "${name}" t WHERE t::text LIKE '%' || $1 || '%' LIMIT 1`,
            [secretPart],
          );
          expect(hit.rowCount, `key text found in table ${name}`).toBe(0);
        }
      }
    } finally {
      await pgc.end();
    }
    probe = {
      client,
      secrets: server.secrets,
      keys: { events: events.key, businessAndCode: businessAndCode.key, revoked: revoked.key },
      adminCookie: cookies.ADMIN,
      wechatApiBase: server.providerBase,
      wechatAppId: server.wechatAppId,
    };
  });

  it("public routes answer without a session, refuse bad credentials (nothing written) and accept good ones", async () => {
    expect(probe, "runs after the API-key test").toBeDefined();
    const publicRoutes = routes.filter(
      (r) => !["console", "page", "public-page"].includes(expectationOf(r).kind),
    );
    const problems: string[] = [];
    await unchanged(async () => {
      for (const r of publicRoutes)
        problems.push(...(await probeRefusals(probe, r.pattern, pathOf(r), r.method, expectationOf(r))));
    });
    for (const r of publicRoutes)
      problems.push(...(await probeAcceptance(probe, pathOf(r), r.method, expectationOf(r))));
    expect(problems).toEqual([]);
  });

  it("every page and API response carries the security headers; pages get a fresh script nonce", async () => {
    const first = await client.call("GET", "/signin");
    const second = await client.call("GET", "/signin");
    const nonce = (h: Headers) => /'nonce-([^']+)'/.exec(h.get("content-security-policy") ?? "")?.[1];
    expect(nonce(first.headers)).toBeDefined();
    expect(nonce(first.headers)).not.toBe(nonce(second.headers));

    const problems = client.recorded.flatMap((res) =>
      headerProblems(res, res.url.startsWith("/api/") ? "api" : "page"),
    );
    expect([...new Set(problems)].slice(0, 30)).toEqual([]);
    const htmlPages = client.recorded.filter(
      (r) => r.status === 200 && r.headers.get("content-type")?.includes("text/html"),
    );
    expect(htmlPages.length).toBeGreaterThanOrEqual(pages.length);
  });

  it("no configured secret, issued key, password or session token appears in the logs or any response", () => {
    const logs = server.logs();
    // The capture works: refused requests above were logged.
    expect(logs).toContain('"msg":"api.refused"');
    const secrets: [string, string][] = [
      ...Object.entries(server.secrets),
      ...issuedKeys.map((k, i): [string, string] => [`issued API key ${i + 1}`, k]),
      ...issuedKeys.map((k, i): [string, string] => [`issued API key ${i + 1} (after prefix)`, k.slice(12)]),
      ...DEMO_USERS.map((u): [string, string] => [`${u.role} password`, u.password]),
      ...Object.entries(cookies).map(([role, c]): [string, string] => [
        `${role} session token`,
        c.split("=")[1]!,
      ]),
    ];
    const leaks: string[] = [];
    for (const [name, value] of secrets) {
      if (logs.includes(value)) leaks.push(`${name} in the server log`);
      client.recorded.forEach((res, i) => {
        if (!allowedToShowKey.has(i) && res.body.includes(value))
          leaks.push(`${name} in the response to ${res.label}`);
      });
    }
    expect(leaks).toEqual([]);
  });
});
