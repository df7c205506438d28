import { describe, expect, it } from "vitest";
import { z } from "zod";
import { readJsonBody } from "./body";

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
