import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, parseEnv, ZAppEnv } from "./env";

const good = { DATABASE_URL: "postgresql://u:p@127.0.0.1:5432/rb", NEXTAUTH_SECRET: "s".repeat(32) };

function messageFor(source: Record<string, string>): string {
  try {
    parseEnv(ZAppEnv, source);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("app configuration", () => {
  it("parses a minimal valid environment with defaults", () => {
    const e = parseEnv(ZAppEnv, good);
    expect(e.DEMO_MODE).toBe(false);
    expect(e.HUBSPOT_API_BASE).toBe("https://api.hubapi.com");
  });

  it("names a missing secret in one line", () => {
    const msg = messageFor({ DATABASE_URL: good.DATABASE_URL });
    expect(msg).toContain("NEXTAUTH_SECRET is required but not set");
    expect(msg.split("\n")).toHaveLength(1);
  });

  it("names a malformed DATABASE_URL", () => {
    expect(messageFor({ ...good, DATABASE_URL: "mysql://x" })).toContain(
      "DATABASE_URL must be a postgresql:// URL",
    );
  });

  it("treats empty strings as unset, as .env files mean them", () => {
    expect(messageFor({ ...good, NEXTAUTH_SECRET: "" })).toContain("NEXTAUTH_SECRET is required");
  });

  it("requires Inngest signing in production unless a dev server is configured", () => {
    expect(messageFor({ ...good, NODE_ENV: "production" })).toContain("INNGEST_SIGNING_KEY");
    expect(
      parseEnv(ZAppEnv, { ...good, NODE_ENV: "production", INNGEST_DEV: "http://127.0.0.1:8288" }),
    ).toBeTruthy();
  });

  it("lets other processes declare their own schema", () => {
    const Z = z.object({ PORT: z.coerce.number().int().default(12111) });
    expect(parseEnv(Z, {}).PORT).toBe(12111);
    expect(() => parseEnv(Z, { PORT: "abc" })).toThrow(/PORT (?!is required)/);
  });
});
