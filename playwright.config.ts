import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

// Playwright loads this file before the app's env module exists (and outside the app), so it reads
// the three variables it needs itself.
const port = Number(process.env.E2E_PORT ?? 3100);
const systemChromium = [process.env.PLAYWRIGHT_CHROMIUM_PATH, "/usr/bin/chromium"].find(
  (p) => p && existsSync(p),
);

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL: `http://localhost:${port}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      ...(systemChromium ? { executablePath: systemChromium } : {}),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    // The same path a user takes: `npm run demo`, on its own database and port, without demo traffic.
    command: `npx tsx --conditions=react-server scripts/demo.ts --port ${port} --database revbridge_e2e --fresh --no-traffic`,
    url: `http://localhost:${port}/signin`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
  },
});
