import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

/**
 * Lifecycle events journey: an ADMIN creates an API key (shown once), a product app posts events
 * with it, the Events page shows them in dry run with personal data masked, the key is revoked.
 */
test("API key → events in dry run on the Events page → revoked key refused", async ({ page, request }) => {
  page.on("dialog", (d) => void d.accept());
  await signIn(page, "ADMIN", "/settings");
  const name = `e2e app ${Date.now()}`;
  await page.getByTestId("api-key-name").fill(name);
  await page.getByTestId("api-key-create").click();
  const key = (await page.getByTestId("api-key-secret").textContent())?.trim() ?? "";
  expect(key).toMatch(/^rbk_/);
  await page.screenshot({ path: "test-results/h9-api-keys.png", fullPage: true });

  const id = `e2e-${Date.now()}`;
  const res = await request.post("/api/v1/events", {
    headers: { authorization: `Bearer ${key}` },
    data: {
      events: [
        {
          id,
          type: "user.signed_up",
          occurredAt: new Date().toISOString(),
          email: "jane.doe@example.com",
          properties: { firstName: "Jane", plan: "pro" },
        },
        { id: `${id}-bad`, type: "user.signed_up", occurredAt: "soon", email: "x@example.com" },
      ],
    },
  });
  expect(res.status()).toBe(202);
  expect(await res.json()).toMatchObject({
    mode: "dry_run",
    accepted: 1,
    invalid: 1,
    results: [
      { id, status: "accepted" },
      { id: `${id}-bad`, status: "invalid", errors: { occurredAt: expect.any(String) as unknown } },
    ],
  });

  await page.goto("/events");
  await expect(page.getByTestId("events-mode")).toContainText("Dry run");
  const row = page.getByTestId(`event-row-${id}`);
  await expect(row).toBeVisible({ timeout: 20_000 });
  await expect(row).toContainText("DRY_RUN", { timeout: 30_000 });
  await row.getByRole("button", { name: "Payload" }).click();
  const preview = page.getByTestId(`event-preview-${id}`);
  await expect(preview).toContainText("j***@e***.com");
  await expect(preview).not.toContainText("jane.doe@example.com");
  await expect(preview).not.toContainText('"Jane"');
  await page.screenshot({ path: "test-results/h9-events.png", fullPage: true });

  await page.goto("/settings");
  const keyRow = page.getByTestId("api-keys").getByRole("row", { name: new RegExp(name) });
  await keyRow.getByRole("button", { name: "Revoke" }).click();
  await expect(keyRow).toContainText("revoked");
  const refused = await request.post("/api/v1/events", {
    headers: { authorization: `Bearer ${key}` },
    data: {
      id: `${id}-late`,
      type: "user.activated",
      occurredAt: new Date().toISOString(),
      email: "x@example.com",
    },
  });
  expect(refused.status()).toBe(401);
});

test("OPERATOR edits the mapping and gets field errors by path; VIEWER can only look", async ({
  page,
  browser,
}) => {
  await signIn(page, "OPERATOR", "/events");
  await expect(page.getByTestId("events-mode-select")).toHaveCount(0);
  await page.getByTestId("mapping-edit").click();
  await page.getByTestId("mapping-json").fill(
    JSON.stringify({
      types: { "trial.started": { properties: { revbridge_plan: { field: "properties.tier" } } } },
    }),
  );
  await page.getByTestId("mapping-save").click();
  await expect(page.getByTestId("mapping-error")).toContainText(
    "types.trial.started.properties.revbridge_plan.field",
  );

  const viewer = await browser.newPage();
  await signIn(viewer, "VIEWER", "/events");
  await expect(viewer.getByTestId("mapping-table")).toBeVisible();
  await expect(viewer.getByTestId("mapping-edit")).toHaveCount(0);
  await viewer.close();
});
