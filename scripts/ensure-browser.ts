/**
 * Before e2e: use the system Chromium (PLAYWRIGHT_CHROMIUM_PATH, else /usr/bin/chromium); without
 * one, install Playwright's own; where that download is impossible, stop with one line saying how.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { z } from "zod";
import { parseEnv } from "@/lib/env";
import { chromium } from "@playwright/test";

const { PLAYWRIGHT_CHROMIUM_PATH } = parseEnv(z.object({ PLAYWRIGHT_CHROMIUM_PATH: z.string().optional() }));

function hasBrowser(): boolean {
  if ([PLAYWRIGHT_CHROMIUM_PATH, "/usr/bin/chromium"].some((p) => p && existsSync(p))) return true;
  return existsSync(chromium.executablePath());
}

if (!hasBrowser()) {
  process.stdout.write("No Chromium found: installing Playwright's Chromium…\n");
  const result = spawnSync("npx", ["playwright", "install", "chromium"], { stdio: "inherit" });
  if (result.status !== 0 || !hasBrowser()) {
    process.stderr.write(
      "No browser for the e2e tests: install Chromium (Debian/Ubuntu: apt-get install -y chromium) or set PLAYWRIGHT_CHROMIUM_PATH to a Chromium binary.\n",
    );
    process.exit(1);
  }
}
