import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resetEnvCacheForTests } from "@/lib/env";
import { startHubspotSandbox, type THubspotSandbox } from "@/sandbox/hubspot";
import { withFreshDatabase } from "@/test/db";
import { formatSmokeReport, runHubspotSmoke } from "./smoke-hubspot";

const database = withFreshDatabase();
let hubspot: THubspotSandbox;
const TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555";

beforeAll(async () => {
  hubspot = await startHubspotSandbox({ log: () => {}, settings: { accessToken: TOKEN } });
  vi.stubEnv("DATABASE_URL", database.url());
  vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(32));
  vi.stubEnv("HUBSPOT_API_BASE", hubspot.url);
});
afterAll(async () => {
  await hubspot.close();
  vi.unstubAllEnvs();
  resetEnvCacheForTests();
});

function useToken(token: string) {
  vi.stubEnv("HUBSPOT_ACCESS_TOKEN", token);
  resetEnvCacheForTests();
}

describe("npm run smoke -- hubspot", () => {
  it("fails on bad credentials and stops there", async () => {
    useToken("pat-na1-wrong");
    const checks = await runHubspotSmoke();
    expect(checks).toEqual([
      { name: "credentials", ok: false, detail: expect.stringContaining("401") as unknown },
    ]);
    expect(formatSmokeReport("hubspot", checks)).toMatch(/FAIL {2}credentials[\s\S]*result: FAIL \(1 of 1/);
  });

  it("names the missing properties and the dry-run events they break", async () => {
    useToken(TOKEN);
    const checks = await runHubspotSmoke();
    expect(checks[0]).toMatchObject({ name: "credentials", ok: true });
    expect(checks[1]).toMatchObject({
      name: "properties",
      ok: false,
      detail: expect.stringContaining("revbridge_external_id") as unknown,
    });
    expect(checks.find((c) => c.name === "dry run user.signed_up")).toMatchObject({
      ok: false,
      detail: expect.stringContaining("property revbridge_plan does not exist") as unknown,
    });
    expect(
      ((await fetch(`${hubspot.url}/__sandbox/counters`).then((r) => r.json())) as { writes: number }).writes,
    ).toBe(0);
  });

  it("passes once --create-properties has created them", async () => {
    useToken(TOKEN);
    const checks = await runHubspotSmoke({ createProperties: true });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toContain("create properties");
    expect(formatSmokeReport("hubspot", checks)).toContain("result: PASS");
    expect((await runHubspotSmoke()).every((c) => c.ok)).toBe(true);
  });
});
