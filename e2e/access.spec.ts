import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { ACCESS_MATRIX, SAMPLE_PARAMS } from "../test/access/matrix";
import { routeTree, samplePath } from "../test/access/route-tree";
import { signIn } from "./fixtures";

// Every page in app/ (the same enumeration as test/access), so a new page is covered automatically.
const pages = routeTree(path.resolve(import.meta.dirname, "..")).filter(
  (r) => r.method === "PAGE" && ACCESS_MATRIX[r.key]?.kind === "page",
);

/** Collects Content-Security-Policy violations and uncaught errors from the moment the page starts. */
async function watchPage(page: Page): Promise<() => Promise<string[]>> {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content Security Policy|Refused to/i.test(msg.text())) {
      problems.push(`console: ${msg.text()}`);
    }
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      w.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`),
    );
  });
  return async () => [
    ...problems,
    ...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)),
  ];
}

test.use({ colorScheme: "dark" });

test("every console page runs under the nonce CSP: Next boots, no violation, no page error", async ({
  page,
}) => {
  expect(pages.length).toBeGreaterThan(10);
  const problems = await watchPage(page);
  await signIn(page, "ADMIN");
  for (const r of pages) {
    const url = samplePath(r.pattern, SAMPLE_PARAMS);
    const res = await page.goto(url);
    expect(res?.headers()["content-security-policy"], url).toContain("'strict-dynamic'");
    await expect(page.getByTestId("current-role"), url).toHaveText("ADMIN");
    // Next's client runtime (loaded through 'strict-dynamic') booted; a blocked inline script would
    // have raised a securitypolicyviolation, collected below.
    await page.waitForFunction(() =>
      Boolean((window as unknown as { next?: { version?: string } }).next?.version),
    );
    await page.waitForLoadState("networkidle");
    expect(await problems(), url).toEqual([]);
  }
});

test("the sign-in page works under the CSP: the form signs in through client-side JavaScript", async ({
  page,
}) => {
  const problems = await watchPage(page);
  await page.goto("/signin");
  // The root layout's inline theme script carries the nonce, so it ran before paint.
  await expect(page.locator("html")).toHaveClass(/dark/);
  await signIn(page, "VIEWER", "/settings");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  expect(await problems()).toEqual([]);
});
