/**
 * Settings → API keys through its console routes: ADMIN only; a bad form is a 400 naming the field
 * and creates nothing; the key appears in the create answer only; revoke works through DELETE.
 */
import type * as NextAuth from "next-auth";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DELETE as revokeRoute } from "@/app/api/console/api-keys/[id]/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/console/api-keys/route";
import { hashApiKey } from "@/lib/api-keys/keys";
import { db } from "@/lib/db";
import { resetEnvCacheForTests } from "@/lib/env";
import { withFreshDatabase } from "@/test/db";
import { consoleRequest as request } from "@/test/console-request";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof NextAuth>()),
  getServerSession: () => Promise.resolve(session.userId ? { user: { id: session.userId } } : null),
}));

const database = withFreshDatabase();
const users: Record<"OPERATOR" | "ADMIN", string> = { OPERATOR: "", ADMIN: "" };
const as = (role: keyof typeof users) => {
  session.userId = users[role];
};
const noParams = { params: Promise.resolve({}) };

beforeAll(async () => {
  vi.stubEnv("DATABASE_URL", database.url());
  vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(32));
  resetEnvCacheForTests();
  for (const role of ["OPERATOR", "ADMIN"] as const) {
    users[role] = (await db().user.create({ data: { email: `${role.toLowerCase()}@school.test`, role } })).id;
  }
}, 60_000);

afterAll(() => {
  vi.unstubAllEnvs();
  resetEnvCacheForTests();
});

beforeEach(async () => {
  await db().apiKey.deleteMany();
  await db().auditLog.deleteMany();
});

describe("API keys console routes", () => {
  it("refuses OPERATOR (403) and a bad form (400 naming the fields); no key is created", async () => {
    as("OPERATOR");
    let res = await createRoute(
      request("POST", "/api/console/api-keys", { name: "app", scopes: ["events:write"] }),
      noParams,
    );
    expect(res.status).toBe(403);
    expect((await listRoute(request("GET", "/api/console/api-keys"), noParams)).status).toBe(403);
    as("ADMIN");
    res = await createRoute(
      request("POST", "/api/console/api-keys", { name: " ", scopes: ["admin:all"] }),
      noParams,
    );
    expect(res.status).toBe(400);
    const error = ((await res.json()) as { error: { details: Record<string, string> } }).error;
    expect(Object.keys(error.details).some((k) => k.startsWith("scopes"))).toBe(true);
    expect(error.details.name).toBe("is required");
    expect(await db().apiKey.count()).toBe(0);
    expect(await db().auditLog.count()).toBe(0);
  });

  it("an ADMIN creates a key (shown once), lists it without the key, revokes it", async () => {
    as("ADMIN");
    const res = await createRoute(
      request("POST", "/api/console/api-keys", { name: "Product app", scopes: ["events:write"] }),
      noParams,
    );
    expect(res.status).toBe(200);
    const { apiKey } = (await res.json()) as { apiKey: { id: string; key: string; prefix: string } };
    expect(apiKey.key).toMatch(/^rbk_/);
    const row = await db().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(row).toMatchObject({ hash: hashApiKey(apiKey.key), createdById: users.ADMIN, revokedAt: null });

    const listed = await (await listRoute(request("GET", "/api/console/api-keys"), noParams)).text();
    expect(listed).toContain(apiKey.prefix);
    expect(listed).not.toContain(apiKey.key);

    const del = await revokeRoute(request("DELETE", `/api/console/api-keys/${apiKey.id}`), {
      params: Promise.resolve({ id: apiKey.id }),
    });
    expect(del.status).toBe(200);
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).revokedAt).not.toBeNull();
    const missing = await revokeRoute(request("DELETE", "/api/console/api-keys/nope"), {
      params: Promise.resolve({ id: "nope" }),
    });
    expect(missing.status).toBe(404);
    expect(
      await db().auditLog.count({ where: { action: { in: ["api_key.create", "api_key.revoke"] } } }),
    ).toBe(2);
  });
});
