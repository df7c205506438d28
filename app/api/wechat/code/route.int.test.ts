/**
 * `POST /api/wechat/code` through its real handler: the API key and its scope are checked before
 * anything is issued, and every refusal leaves no code behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/api-keys/keys";
import { db } from "@/lib/db";
import { withFreshDatabase } from "@/test/db";
import { restoreAppEnv, stubAppEnv } from "@/test/env";
import { POST } from "./route";

const database = withFreshDatabase();
const ctx = { params: Promise.resolve({}) };
let codeKey = "";
let eventsKey = "";

beforeAll(async () => {
  stubAppEnv(database.url());
  codeKey = (await createApiKey({ name: "admissions app", scopes: ["wechat:code"], createdById: null })).key;
  eventsKey = (await createApiKey({ name: "product app", scopes: ["events:write"], createdById: null })).key;
});

afterAll(() => restoreAppEnv());

function post(body: unknown, key?: string): Promise<Response> {
  return POST(
    new Request("http://localhost/api/wechat/code", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-forwarded-for": "203.0.113.9",
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify(body),
    }),
    ctx,
  );
}

const codes = () => db().userCode.count();

describe("POST /api/wechat/code", () => {
  it("refuses a missing key, an unknown key and a key without wechat:code, issuing nothing", async () => {
    const res = [
      await post({ openid: "o_api_reader_1" }),
      await post({ openid: "o_api_reader_1" }, "rbk_not-a-real-key"),
      await post({ openid: "o_api_reader_1" }, eventsKey),
    ];
    expect(res.map((r) => r.status)).toEqual([401, 401, 403]);
    for (const r of res)
      expect(((await r.json()) as { error: { message: string } }).error.message).toBeTruthy();
    expect(await codes()).toBe(0);
  });

  it("refuses a malformed OpenID with a 400 naming it, issuing nothing", async () => {
    const res = await post({ openid: "no spaces!" }, codeKey);
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("openid");
    expect(await codes()).toBe(0);
  });

  it("returns the same code for the same OpenID every time", async () => {
    const first = await post({ openid: "o_api_reader_2" }, codeKey);
    expect(first.status).toBe(200);
    const a = (await first.json()) as { openid: string; code: string };
    expect(a.openid).toBe("o_api_reader_2");
    expect(a.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const b = (await (await post({ openid: "o_api_reader_2" }, codeKey)).json()) as { code: string };
    expect(b.code).toBe(a.code);
    expect(await codes()).toBe(1);
  });
});
