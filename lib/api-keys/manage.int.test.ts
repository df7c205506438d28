import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hashApiKey, verifyApiKey } from "@/lib/api-keys/keys";
import type { TStaff } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { resetEnvCacheForTests } from "@/lib/env";
import { withFreshDatabase } from "@/test/db";
import { issueApiKey, listApiKeys, revokeApiKey, ZApiKeyCreate } from "./manage";

const database = withFreshDatabase();
let admin: TStaff;

beforeAll(async () => {
  vi.stubEnv("DATABASE_URL", database.url());
  vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(32));
  resetEnvCacheForTests();
  const user = await db().user.create({ data: { email: "admin@example.com", role: "ADMIN" } });
  admin = { id: user.id, email: user.email, name: null, role: "ADMIN" };
});
afterAll(() => {
  vi.unstubAllEnvs();
  resetEnvCacheForTests();
});

const request = (key: string) =>
  new Request("http://x/api/v1/events", { headers: { authorization: `Bearer ${key}` } });

describe("API key management", () => {
  it("issues a key shown once, stores only its hash, lists it without the key, audits without the key", async () => {
    const created = await issueApiKey(admin, { name: "Product app", scopes: ["events:write"] });
    expect(created.key).toMatch(/^rbk_[A-Za-z0-9_-]{40,}$/);
    const row = await db().apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.hash).toBe(hashApiKey(created.key));
    const listed = await listApiKeys();
    expect(listed).toEqual([
      expect.objectContaining({
        id: created.id,
        name: "Product app",
        prefix: created.prefix,
        scopes: ["events:write"],
        createdBy: "admin@example.com",
        revokedAt: null,
      }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.key);
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "api_key.create" } });
    expect(audit.target).toBe(`ApiKey:${created.id}`);
    expect(JSON.stringify(audit.details)).not.toContain(created.key);
  });

  it("checks scopes: 403 for a key without the scope, and records last use", async () => {
    const created = await issueApiKey(admin, { name: "WeChat", scopes: ["wechat:code"] });
    await expect(verifyApiKey(request(created.key), "events:write")).rejects.toMatchObject({ status: 403 });
    await expect(verifyApiKey(request(created.key), "wechat:code")).resolves.toMatchObject({
      id: created.id,
    });
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt).not.toBeNull();
  });

  it("revokes at once (401 on the next request), idempotently, audited", async () => {
    const created = await issueApiKey(admin, { name: "Old app", scopes: ["events:write"] });
    await expect(verifyApiKey(request(created.key), "events:write")).resolves.toBeTruthy();
    const first = await revokeApiKey(admin, created.id);
    const second = await revokeApiKey(admin, created.id);
    expect(second.revokedAt).toBe(first.revokedAt);
    await expect(verifyApiKey(request(created.key), "events:write")).rejects.toMatchObject({ status: 401 });
    expect(
      await db().auditLog.count({ where: { action: "api_key.revoke", target: `ApiKey:${created.id}` } }),
    ).toBe(1);
    await expect(revokeApiKey(admin, "nope")).rejects.toMatchObject({ status: 404 });
  });

  it("validates the create form: a name and at least one known scope", () => {
    expect(ZApiKeyCreate.safeParse({ name: "", scopes: ["events:write"] }).success).toBe(false);
    expect(ZApiKeyCreate.safeParse({ name: "x", scopes: [] }).success).toBe(false);
    expect(ZApiKeyCreate.safeParse({ name: "x", scopes: ["admin:all"] }).success).toBe(false);
  });
});
