import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  assertDeclaredLength,
  assertStorableUrlText,
  parseJsonText,
  readJsonBody,
  unstorableTextPath,
} from "./body";

const Z = z.object({ role: z.enum(["VIEWER", "ADMIN"]) });
const post = (body: string, type = "application/json") =>
  new Request("http://x/", { method: "POST", body, headers: { "content-type": type } });

describe("reading JSON bodies", () => {
  it("parses a valid body", async () => {
    await expect(readJsonBody(post('{"role":"ADMIN"}'), Z)).resolves.toEqual({ role: "ADMIN" });
  });
  it("names the invalid field", async () => {
    const error = (await readJsonBody(post('{"role":"GOD"}'), Z).catch((e: unknown) => e)) as {
      status: number;
      details: object;
    };
    expect(error.status).toBe(400);
    expect(Object.keys(error.details)).toEqual(["role"]);
  });
  it("refuses malformed JSON, other media types and oversized bodies", async () => {
    await expect(readJsonBody(post("{"), Z)).rejects.toMatchObject({ status: 400 });
    await expect(
      readJsonBody(post("role=ADMIN", "application/x-www-form-urlencoded"), Z),
    ).rejects.toMatchObject({ status: 415 });
    await expect(readJsonBody(post(JSON.stringify({ role: "x".repeat(100) })), Z, 50)).rejects.toMatchObject({
      status: 413,
    });
  });
});

describe("text PostgreSQL cannot store", () => {
  it("finds NUL characters and unpaired surrogates in values and keys, wherever they are nested", () => {
    expect(unstorableTextPath({ a: ["ok", { b: "x\u0000y" }] })).toBe("a[1].b");
    expect(unstorableTextPath(["\uD800"])).toBe("(body)[0]");
    expect(unstorableTextPath({ "k\u0000": 1 })).toBe("(body).k\\0");
    expect(unstorableTextPath({ lone: "\uDC00x" })).toBe("lone");
    expect(unstorableTextPath({ emoji: "😀", cjk: "验证码", n: 1, z: null })).toBeNull();
  });

  it("walks deep nesting without recursion", () => {
    let deep: unknown = "\u0000";
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(unstorableTextPath(deep)).toMatch(/^\(body\)(\[0\])+$/);
  });

  it("refuses such JSON bodies with a 400 naming the field", async () => {
    await expect(readJsonBody(post('{"role":"\\u0000"}'), Z)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("role") as string,
    });
    expect(() => parseJsonText('{"a":"\\ud800"}')).toThrow(/unpaired surrogate/);
  });
});

describe("path and query text", () => {
  it("refuses a NUL in any query value, also the first of a repeated name", () => {
    expect(() => assertStorableUrlText(new URL("http://x/?q=%00&q="), {})).toThrow(/\?q/);
    expect(() => assertStorableUrlText(new URL("http://x/?q=a"), { id: "\u0000" })).toThrow(/id/);
    expect(() => assertStorableUrlText(new URL("http://x/?q=%E9%AA%8C"), { id: "abc" })).not.toThrow();
  });
});

describe("declared lengths", () => {
  it("refuses a Content-Length over the limit before reading", () => {
    const req = new Request("http://x/", {
      method: "POST",
      body: "small",
      headers: { "content-length": "999" },
    });
    expect(() => assertDeclaredLength(req, 10)).toThrow(/10-byte limit/);
  });
});
