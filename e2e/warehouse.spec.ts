/**
 * Warehouse, Funnel and ROI against `npm run demo` (HubSpot sandbox on 12112, WeChat on 12113): an
 * operator uploads users and teams (good rows in, bad rows reported), runs an ingest of records
 * created in the HubSpot sandbox, sees the three views filled, exports one; followers arriving by
 * WeChat draw the funnel; spend entered by hand draws the ROI chart. Screenshots in test-results/.
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures";

const HUBSPOT = "http://127.0.0.1:12112";
const WECHAT = "http://127.0.0.1:12113";
const TOKEN = "pat-demo-revbridge-sandbox"; // the demo's sandbox token (scripts/lib/demo-services.ts)

async function hubspot(path: string, body: unknown): Promise<{ id: string }> {
  const res = await fetch(`${HUBSPOT}${path}`, {
    method: path.includes("/associations/") ? "PUT" : "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, `${path}: ${text.slice(0, 300)}`).toBeLessThan(300);
  return JSON.parse(text || "{}") as { id: string };
}

async function wechat(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${WECHAT}/__sandbox/wechat${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, `${path}: ${(await res.text()).slice(0, 300)}`).toBeLessThan(300);
}

async function uploadBusiness(page: Page, kind: string, csv: string) {
  await page.getByTestId("business-kind").selectOption(kind);
  await page.getByTestId("business-file").setInputFiles({
    name: `${kind}.csv`,
    mimeType: "text/csv",
    buffer: Buffer.from(csv),
  });
  await page.getByTestId("business-upload").click();
}

test("ingest from the sandbox fills the three views; a view exports as CSV", async ({ page }) => {
  test.setTimeout(120_000);
  const tag = randomBytes(4).toString("hex");
  const companyName = `Harbour School ${tag}`;
  const email = `e2e.${tag}@example.com`;

  const company = await hubspot("/crm/v3/objects/companies", { properties: { name: companyName } });
  const contact = await hubspot("/crm/v3/objects/contacts", {
    properties: { email, firstname: "Mei", lastname: `Wh${tag}` },
  });
  const deal = await hubspot("/crm/v3/objects/deals", {
    properties: {
      dealname: `Fees ${tag}`,
      amount: "1234.50",
      deal_currency_code: "CNY",
      closedate: "2026-09-01",
    },
  });
  await hubspot(`/crm/v4/objects/deals/${deal.id}/associations/default/companies/${company.id}`, undefined);
  await hubspot(
    `/crm/v4/objects/contacts/${contact.id}/associations/default/companies/${company.id}`,
    undefined,
  );

  await signIn(page, "OPERATOR", "/warehouse");
  await expect(page.getByRole("heading", { name: "Warehouse", exact: true })).toBeVisible();

  // Users: one good row (email in other case and padded), one bad row reported with its reason.
  await uploadBusiness(
    page,
    "users",
    `user_id,name,email,lifetime_spend,currency\nu-${tag},Mei,"  E2E.${tag.toUpperCase()}@Example.com ",880.00,CNY\nu-bad-${tag},Bad,not-an-email,1,CNY\n`,
  );
  await expect(page.getByTestId("business-result")).toContainText("1 of 2 rows imported");
  await expect(page.getByTestId("business-result")).toContainText("must be an email address");
  await uploadBusiness(page, "teams", `team_id,name\nt-${tag},harbour school ${tag}\n`);
  await expect(page.getByTestId("business-result")).toContainText("1 of 1 rows imported");

  // The schedule may have run already: wait for a run that started after this click to succeed.
  const clicked = new Date(Date.now() - 1000).toISOString();
  await page.getByTestId("run-full").click();
  await expect
    .poll(
      async () => {
        const res = await page.request.get("/api/console/warehouse/runs");
        const { runs } = (await res.json()) as { runs: { status: string; startedAt: string }[] };
        const run = runs.find((r) => r.startedAt >= clicked);
        return run?.status ?? "not started";
      },
      { timeout: 60_000 },
    )
    .toBe("succeeded");
  await expect(page.getByTestId("last-run-status")).toHaveText("succeeded", { timeout: 20_000 });

  // contacts_to_users: the contact joined to the user by email despite case and spaces.
  await page.getByTestId("tab-contacts_to_users").click();
  await page.getByTestId("filter-contacts_to_users").fill(`e2e.${tag}`);
  const c2u = page.getByTestId("view-contacts_to_users");
  await expect(c2u.getByRole("row").filter({ hasText: `u-${tag}` })).toContainText("880.00");

  // team_spending: the company matched to the team by name, spend from its deal.
  await page.getByTestId("tab-team_spending").click();
  await page.getByTestId("filter-team_spending").fill(tag);
  const ts = page.getByTestId("view-team_spending");
  await expect(ts.getByRole("row").filter({ hasText: companyName })).toContainText("1,234.50");
  await expect(ts.getByRole("row").filter({ hasText: companyName })).toContainText(`t-${tag}`);

  // company_deals, then its export (same filter) as a real download.
  await page.getByTestId("tab-company_deals").click();
  await page.getByTestId("filter-company_deals").fill(tag);
  const cd = page.getByTestId("view-company_deals");
  await expect(cd.getByRole("row").filter({ hasText: deal.id })).toContainText(companyName);
  await page.screenshot({ path: "test-results/warehouse.png", fullPage: true });
  const download = Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("export-company_deals").click(),
  ]);
  const [file] = await download;
  const csv = await readFile(await file.path(), "utf8");
  const lines = csv.trim().split("\n");
  expect(lines[0]).toContain("deal_id");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(deal.id);
  expect(lines[1]).toContain(companyName);

  // An unknown view is a 404 that names it.
  const unknown = await page.request.get("/api/console/warehouse/views/nope");
  expect(unknown.status()).toBe(404);
  expect(await unknown.text()).toContain("nope");
});

test("followers by WeChat draw the funnel; entered spend draws the ROI chart", async ({ page }) => {
  test.setTimeout(90_000);
  const tag = randomBytes(4).toString("hex");
  await signIn(page, "OPERATOR", "/funnel");
  const origin = { origin: new URL(page.url()).origin };
  const made = await page.request.post("/api/console/campaigns", {
    data: { name: `Open Day ${tag}`, scene: `e2e-${tag}` },
    headers: origin,
  });
  expect(made.status(), await made.text()).toBeLessThan(300);
  for (let i = 0; i < 3; i++) await wechat(`/followers/oE2EFun${tag}${i}/follow`, { scene: `e2e-${tag}` });
  await page.reload();
  await expect(page.getByTestId("funnel-chart")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("funnel-chart").locator(".recharts-rectangle").first()).toBeVisible();
  await expect(page.getByTestId("funnel-table")).toBeVisible();
  await page.screenshot({ path: "test-results/funnel.png", fullPage: true });

  await page.goto("/funnel/roi");
  // A bad amount is refused with the field named and nothing saved.
  const before = await page.request.get("/api/console/roi/spend");
  const count = ((await before.json()) as { spend: unknown[] }).spend.length;
  const refused = await page.request.post("/api/console/roi/spend", {
    data: { date: "2026-11-01", campaign: "nope", amount: "-5", currency: "CNY" },
    headers: origin,
  });
  expect(refused.status()).toBe(400);
  const after = await page.request.get("/api/console/roi/spend");
  expect(((await after.json()) as { spend: unknown[] }).spend).toHaveLength(count);

  await page.getByTestId("spend-campaign").selectOption(`Open Day ${tag}`);
  await page.getByTestId("spend-amount").fill("5000");
  await page.getByTestId("spend-save").click();
  await expect(page.getByTestId("roi-chart").locator(".recharts-rectangle").first()).toBeVisible({
    timeout: 20_000,
  });
  await expect(
    page
      .getByTestId("roi-table")
      .getByRole("row")
      .filter({ hasText: `Open Day ${tag}` }),
  ).toContainText("5,000.00");
  await page.screenshot({ path: "test-results/roi.png", fullPage: true });
});
