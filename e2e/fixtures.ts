import { expect, type Page } from "@playwright/test";

/** The demo users `npm run demo` seeds (scripts/lib/seed.ts); e2e signs in through the real form. */
export const USERS = {
  ADMIN: { email: "admin@demo.revbridge.dev", password: "demo-admin-pass" },
  OPERATOR: { email: "operator@demo.revbridge.dev", password: "demo-operator-pass" },
  VIEWER: { email: "viewer@demo.revbridge.dev", password: "demo-viewer-pass" },
} as const;

export type TRole = keyof typeof USERS;

export async function signIn(page: Page, role: TRole, callbackPath = "/"): Promise<void> {
  await page.goto(`/signin?callbackUrl=${encodeURIComponent(callbackPath)}`);
  await page.getByLabel("Email").fill(USERS[role].email);
  await page.getByLabel("Password").fill(USERS[role].password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-role")).toHaveText(role);
}
