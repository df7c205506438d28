import { afterEach, describe, expect, it, vi } from "vitest";
import { resetEnvCacheForTests } from "@/lib/env";

const BASE = { DATABASE_URL: "postgresql://u@127.0.0.1:5432/db", NEXTAUTH_SECRET: "s".repeat(32) };

async function providersWith(vars: Record<string, string>): Promise<string[]> {
  vi.unstubAllEnvs();
  for (const [k, v] of Object.entries({ ...BASE, ...vars })) vi.stubEnv(k, v);
  resetEnvCacheForTests();
  vi.resetModules(); // authOptions() caches per module instance
  const { authOptions } = await import("./options");
  return authOptions().providers.map((p) => p.id);
}

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCacheForTests();
});

describe("sign-in methods", () => {
  it("offers credentials only in demo mode", async () => {
    expect(await providersWith({ DEMO_MODE: "true" })).toEqual(["credentials"]);
    expect(await providersWith({ DEMO_MODE: "false" })).toEqual([]);
  });

  it("offers each OIDC provider only when it is fully configured", async () => {
    expect(await providersWith({ GOOGLE_CLIENT_ID: "id", GOOGLE_CLIENT_SECRET: "secret" })).toEqual([
      "google",
    ]);
    expect(await providersWith({ AZURE_AD_CLIENT_ID: "id", AZURE_AD_CLIENT_SECRET: "secret" })).toEqual([]);
    expect(
      await providersWith({
        AZURE_AD_CLIENT_ID: "id",
        AZURE_AD_CLIENT_SECRET: "secret",
        AZURE_AD_TENANT_ID: "t",
      }),
    ).toEqual(["azure-ad"]);
  });
});
