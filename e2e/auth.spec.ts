import { expect, test } from "@playwright/test";
import { signIn, USERS, type TRole } from "./fixtures";

for (const role of ["ADMIN", "OPERATOR", "VIEWER"] as TRole[]) {
  test(`${role} signs in and sees the Overview with database-backed figures`, async ({ page }) => {
    await signIn(page, role);
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    await expect(page.getByTestId("connectors").getByRole("listitem")).toHaveCount(4);
    // Three demo users are seeded and active: the figure comes from the database.
    await expect(page.getByTestId("stat-staff")).toHaveText("3");
    await expect(page.getByTestId("stat-webhooks-24h")).toHaveText(/^\d+$/);
  });
}

test("an unauthenticated visit lands on sign-in and returns after it", async ({ page }) => {
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fsettings/);
  await page.getByLabel("Email").fill(USERS.ADMIN.email);
  await page.getByLabel("Password").fill(USERS.ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
});

test("a wrong password is refused with a readable message, and the right one still returns to the page", async ({
  page,
}) => {
  await page.goto("/signin?callbackUrl=%2Fsettings");
  await page.getByLabel("Email").fill(USERS.ADMIN.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signin-error")).toContainText("do not match");
  await page.getByLabel("Email").fill(USERS.ADMIN.email);
  await page.getByLabel("Password").fill(USERS.ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
});

test("console APIs answer 401 JSON without a session", async ({ request }) => {
  const res = await request.get("/api/console/overview");
  expect(res.status()).toBe(401);
  expect((await res.json()) as unknown).toMatchObject({ error: { code: "unauthorized" } });
});

test("the health endpoint needs no session and reports each part", async ({ request }) => {
  const res = await request.get("/api/health");
  const body = (await res.json()) as { parts: Record<string, { status: string }> };
  expect(body.parts.database?.status).toBe("ok");
  expect(body.parts.migrations?.status).toBe("ok");
  // The demo runs the local Inngest runner on :8288 (INNGEST_DEV).
  expect(body.parts.inngest?.status).toBe("ok");
  expect(res.status()).toBe(200);
});
