/**
 * Business tables through `POST /api/v1/business/{kind}` (API key) and the CSV parser: good rows are
 * upserted, each bad row is reported with its reason, and a refused request changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST } from "@/app/api/v1/business/[kind]/route";
import { createApiKey } from "@/lib/api-keys/keys";
import { db } from "@/lib/db";
import { resetEnvCacheForTests } from "@/lib/env";
import { importBusinessRows, parseBusinessCsv } from "@/lib/warehouse/business-import";
import { withFreshDatabase } from "@/test/db";

const database = withFreshDatabase();
let key: string;

function post(kind: string, body: unknown, auth: string | null = key): Promise<Response> {
  return POST(
    new Request(`http://localhost/api/v1/business/${kind}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ kind }) },
  );
}

beforeAll(async () => {
  vi.stubEnv("DATABASE_URL", database.url());
  vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(40));
  resetEnvCacheForTests();
  key = (await createApiKey({ name: "billing", scopes: ["business:write"], createdById: null })).key;
});

afterAll(() => {
  vi.unstubAllEnvs();
  resetEnvCacheForTests();
});

describe("business tables import", () => {
  it("upserts the good users and reports each bad row with its reason", async () => {
    const res = await post("users", [
      { user_id: "u1", name: "Ann", email: "ann@example.com", lifetime_spend: "1200.50", currency: "cny" },
      { user_id: "u2", email: "not-an-email" },
      { user_id: "u3", lifetime_spend: "10" },
      { name: "no id" },
      { user_id: "u1", name: "Ann again" },
      { user_id: "u4", lifetime_spend: "abc", currency: "USD" },
      { user_id: "u5", name: "Bo" },
    ]);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      received: number;
      imported: number;
      errors: { row: number; field?: string; message: string }[];
    };
    expect(body.received).toBe(7);
    expect(body.imported).toBe(2);
    expect(body.errors.map((e) => [e.row, e.field])).toEqual([
      [2, "email"],
      [3, "currency"],
      [4, "user_id"],
      [5, undefined],
      [6, "lifetime_spend"],
    ]);
    expect(body.errors.find((e) => e.row === 5)?.message).toContain("duplicate of row 1");
    const users = await db().appUser.findMany({ orderBy: { userId: "asc" } });
    expect(users.map((u) => [u.userId, u.name, u.lifetimeSpend?.toString() ?? null, u.currency])).toEqual([
      ["u1", "Ann", "1200.5", "CNY"],
      ["u5", "Bo", null, null],
    ]);

    // Upsert: the same id again updates in place.
    const again = await post("users", {
      rows: [{ user_id: "u1", name: "Ann Lee", email: "ann@example.com" }],
    });
    expect(((await again.json()) as { imported: number }).imported).toBe(1);
    expect((await db().appUser.findUniqueOrThrow({ where: { userId: "u1" } })).name).toBe("Ann Lee");
    expect(await db().appUser.count()).toBe(2);
  });

  it("refuses memberships of teams that do not exist, imports the rest", async () => {
    await importBusinessRows("teams", [{ team_id: "t1", name: "Acme" }]);
    const res = await post("memberships", [
      { team_id: "t1", user_id: "u1" },
      { team_id: "t404", user_id: "u1" },
    ]);
    const body = (await res.json()) as { imported: number; errors: { row: number; message: string }[] };
    expect(body.imported).toBe(1);
    expect(body.errors).toEqual([
      { row: 2, field: "team_id", message: "team t404 does not exist; import it first" },
    ]);
    expect(await db().teamMembership.findMany({ select: { teamId: true, userId: true } })).toEqual([
      { teamId: "t1", userId: "u1" },
    ]);
  });

  it("refuses an unknown table, a missing or wrong-scope key and a non-array body, changing nothing", async () => {
    const before = await db().appUser.count();
    const unknown = await post("invoices", [{ user_id: "x1" }]);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("use users, teams or memberships");
    expect((await post("users", [{ user_id: "x2" }], null)).status).toBe(401);
    const other = (await createApiKey({ name: "events", scopes: ["events:write"], createdById: null })).key;
    expect((await post("users", [{ user_id: "x3" }], other)).status).toBe(403);
    const bad = await post("users", { user_id: "x4" });
    expect(bad.status).toBe(400);
    expect(await db().appUser.count()).toBe(before);
  });

  it("parses a CSV with BOM, spaces and aliased headers; an unreadable CSV is a 400", () => {
    expect(parseBusinessCsv("\uFEFFuser_id , email\n u9 , a@b.co \n\n")).toEqual([
      { user_id: "u9", email: "a@b.co" },
    ]);
    expect(() => parseBusinessCsv('user_id,email\n"u1,a@b.co\n')).toThrow(/not a readable CSV/);
  });
});
