import { expect, test } from "@playwright/test";
import { signIn, USERS } from "./fixtures";

test("a VIEWER cannot change roles: no control on screen, 403 from the API", async ({ page }) => {
  await signIn(page, "VIEWER", "/settings");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await expect(page.getByTestId(`role-select-${USERS.OPERATOR.email}`)).toHaveCount(0);
  await expect(page.getByTestId(`role-${USERS.OPERATOR.email}`)).toHaveText("OPERATOR");

  const overview = await page.request.get("/api/console/overview");
  expect(overview.status()).toBe(200);
  const res = await page.request.patch("/api/console/users/any-id", {
    data: { role: "ADMIN" },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(res.status()).toBe(403);
  expect(((await res.json()) as { error: { message: string } }).error.message).toContain("ADMIN role");
});

test("an ADMIN changes a role and the change is audited", async ({ page }) => {
  await signIn(page, "ADMIN", "/settings");
  const select = page.getByTestId(`role-select-${USERS.VIEWER.email}`);
  await select.selectOption("OPERATOR");
  await expect(page.getByTestId("audit-log")).toContainText("user.role.update");
  await expect(page.getByTestId("audit-log")).toContainText('"to":"OPERATOR"');
  // Put it back so other tests see the seeded roles.
  await page.getByTestId(`role-select-${USERS.VIEWER.email}`).selectOption("VIEWER");
  await expect(page.getByTestId("audit-log")).toContainText('"to":"VIEWER"');
});

test("a cross-site mutation is refused even with a valid ADMIN session", async ({ page }) => {
  await signIn(page, "ADMIN");
  const res = await page.request.patch("/api/console/users/any-id", {
    data: { role: "ADMIN" },
    headers: { origin: "https://evil.example" },
  });
  expect(res.status()).toBe(403);
});
