/**
 * Shared set-up of the warehouse ingest integration tests (ingest, full-refresh-facts): a HubSpot sandbox
 * on a free port with limits out of the way, the app's env pointed at it, generous governor policies
 * (these tests check what is read, not the pace) and no window overlap, so counts are exact.
 */
import { afterAll, beforeAll, vi } from "vitest";
import { db } from "@/lib/db";
import { resetEnvCacheForTests } from "@/lib/env";
import { WAREHOUSE_SETTINGS_KEY } from "@/lib/warehouse/settings";
// Test-only module (imported by the ingest integration tests alone): it drives the sandbox as HubSpot.
// eslint-disable-next-line no-restricted-imports
import { startHubspotSandbox, type THubspotSandbox } from "@/sandbox/hubspot";

type TObject = "contacts" | "companies" | "deals";

export function ingestSandboxForTests(database: { url(): string }) {
  let hs: THubspotSandbox | undefined;
  beforeAll(async () => {
    hs = await startHubspotSandbox({
      port: 0,
      webhookUrl: null,
      settings: { tenSecondlyLimit: 10_000, searchPerSecond: 200, dailyLimit: 10_000_000 },
    });
    vi.stubEnv("DATABASE_URL", database.url());
    vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(40));
    vi.stubEnv("HUBSPOT_API_BASE", hs.url);
    vi.stubEnv("HUBSPOT_ACCESS_TOKEN", "pat-na1-test");
    resetEnvCacheForTests();
    for (const bucket of ["default", "search"]) {
      await db().rateLimitPolicy.create({
        data: { provider: "HUBSPOT", bucket, ratePerSecond: 500, burst: 500 },
      });
    }
    await db().appSetting.create({ data: { key: WAREHOUSE_SETTINGS_KEY, value: { overlapSeconds: 0 } } });
  });
  afterAll(async () => {
    await hs?.close();
    vi.unstubAllEnvs();
    resetEnvCacheForTests();
  });
  const harness = {
    get hs(): THubspotSandbox {
      if (!hs) throw new Error("the HubSpot sandbox starts in beforeAll");
      return hs;
    },
    /** A record written as an import would write it (not a webhook-producing user edit). */
    create: (type: TObject, properties: Record<string, string>) => {
      const res = harness.hs.portal.store.create(type, properties, "IMPORT");
      if (!res.ok) throw new Error(`sandbox refused ${type}`);
      return res.record;
    },
  };
  return harness;
}
