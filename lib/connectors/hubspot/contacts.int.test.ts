import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubspotSandbox, type THubspotSandbox } from "@/sandbox/hubspot";
import { withFreshDatabase } from "@/test/db";
import { restoreAppEnv, stubAppEnv } from "@/test/env";
import { ensureContactProperties } from "./contacts";

const database = withFreshDatabase();
let hubspot: THubspotSandbox;
const TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555";

beforeAll(async () => {
  hubspot = await startHubspotSandbox({ log: () => {}, settings: { accessToken: TOKEN } });
  stubAppEnv(database.url(), { HUBSPOT_API_BASE: hubspot.url, HUBSPOT_ACCESS_TOKEN: TOKEN });
});
afterAll(async () => {
  await hubspot.close();
  restoreAppEnv();
});

const requests = async () =>
  ((await fetch(`${hubspot.url}/__sandbox/counters`).then((r) => r.json())) as { requests: number }).requests;
const sandboxControl = (path: string, body: unknown) =>
  fetch(`${hubspot.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const defs = ["rb_test_a", "rb_test_b", "rb_test_c"].map((name) => ({
  name,
  label: name,
  type: "string" as const,
}));

describe("ensureContactProperties", () => {
  it("checks each property once however many batches ask at the same time, and creates the missing", async () => {
    const before = await requests();
    await Promise.all(Array.from({ length: 5 }, () => ensureContactProperties(defs)));
    // One lookup (404) and one create per property: 6 calls, not 5 batches × 3 × 2.
    expect((await requests()) - before).toBe(6);
    for (const d of defs) {
      const res = await fetch(`${hubspot.url}/crm/v3/properties/contacts/${d.name}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.status).toBe(200);
    }
    // Known now: no further call.
    const again = await requests();
    await ensureContactProperties(defs);
    expect(await requests()).toBe(again);
  });

  it("forgets a failed check, so the next batch tries again", async () => {
    const d = [{ name: "rb_test_flaky", label: "rb_test_flaky", type: "string" as const }];
    await sandboxControl("/__sandbox/faults", { rates: { "500": 1 } });
    await expect(ensureContactProperties(d)).rejects.toThrow(/HubSpot/);
    await sandboxControl("/__sandbox/faults", { rates: {} });
    const before = await requests();
    await ensureContactProperties(d);
    expect((await requests()) - before).toBe(2);
  });
});
