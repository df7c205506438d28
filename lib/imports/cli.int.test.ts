/**
 * `npm run import` as a user runs it: the real script in a child process, against a fresh database
 * and the HubSpot sandbox. Asserts the printed report, the exit code, the failed-rows file and what
 * HubSpot holds afterwards; bad usage is refused with one line and leaves no job behind.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { childProcessEnv } from "@/lib/env";
import { startHubspotSandbox, type THubspotSandbox } from "@/sandbox/hubspot";
import { withFreshDatabase } from "@/test/db";
import { restoreAppEnv, stubAppEnv } from "@/test/env";

const database = withFreshDatabase();
const root = path.resolve(import.meta.dirname, "..", "..");
const fixture = (name: string) => path.join(import.meta.dirname, "fixtures", name);
let hubspot: THubspotSandbox;
let dir = "";

/** Runs the command asynchronously: the sandbox answers from this process's event loop. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "--conditions=react-server", "scripts/import.ts", ...args],
      {
        cwd: root,
        env: childProcessEnv({
          DATABASE_URL: database.url(),
          NEXTAUTH_SECRET: "test-secret-".padEnd(32, "x"),
          HUBSPOT_ACCESS_TOKEN: "pat-na1-test",
          HUBSPOT_API_BASE: hubspot.url,
          IMPORT_DEFAULT_COUNTRY: "US",
          LOG_LEVEL: "warn",
        }),
        timeout: 90_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr: stderr.replace(/^npm warn.*\n/gm, "") });
      },
    );
  });
}

beforeAll(async () => {
  hubspot = await startHubspotSandbox({ port: 0, webhookUrl: null });
  stubAppEnv(database.url());
  dir = mkdtempSync(path.join(tmpdir(), "rb-import-cli-"));
});

afterAll(async () => {
  await hubspot?.close();
  rmSync(dir, { recursive: true, force: true });
  restoreAppEnv();
});

describe("npm run import", () => {
  it("--dry-run prints the preview and writes nothing to HubSpot", async () => {
    const before = hubspot.portal.store.counts();
    const r = await cli([
      "--file",
      fixture("contacts-bom-semicolon.csv"),
      "--object",
      "contacts",
      "--dry-run",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("contacts: 4 rows, utf-8");
    expect(r.stdout).toContain("Dry run — nothing was written to HubSpot.");
    expect(r.stdout).toMatch(/contacts\s+2\s+0\s+2\s/);
    expect(hubspot.portal.store.counts()).toEqual(before);
  }, 120_000);

  it("imports companies and contacts, prints the report and writes the skipped rows with reasons", async () => {
    const before = hubspot.portal.store.counts();
    const r = await cli([
      ...["--file", fixture("companies-tab.tsv"), "--object", "companies"],
      ...["--file", fixture("contacts-bom-semicolon.csv"), "--object", "contacts"],
      ...["--failed-out", path.join(dir, "rows.csv")],
    ]);
    expect(r.code, r.stderr).toBe(0); // skipped rows have a stated reason; none failed
    expect(r.stdout).toMatch(/: COMPLETED/);
    expect(r.stdout).toMatch(/companies\s+4\s+4\s+0\s+0\s+0/);
    expect(r.stdout).toMatch(/contacts\s+4\s+2\s+0\s+2\s+0\s+2/);
    expect(hubspot.portal.store.counts()).toMatchObject({
      companies: before.companies + 4,
      contacts: before.contacts + 2,
    });
    const failed = path.join(dir, "rows-contacts-failed.csv");
    expect(r.stdout).toContain(`2 contacts rows not imported; reasons in ${failed}`);
    const csv = readFileSync(failed, "utf8");
    expect(csv).toContain('2,skipped,"Email: ""not-an-email"" is not a valid e-mail address"');
    expect(csv).toContain("Duplicate of row 1 in this file");

    // The same files again: nothing new in HubSpot.
    const again = await cli([
      ...["--file", fixture("companies-tab.tsv"), "--object", "companies"],
      ...["--file", fixture("contacts-bom-semicolon.csv"), "--object", "contacts"],
      ...["--failed-out", path.join(dir, "again.csv")], // not the checkout's working directory
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/contacts\s+4\s+0\s+2\s+2\s+0\s+2/);
    expect(hubspot.portal.store.counts()).toMatchObject({
      companies: before.companies + 4,
      contacts: before.contacts + 2,
    });
  }, 180_000);

  it("refuses bad usage with one line, exit code 2 and no job", async () => {
    const jobs = await db().importJob.count();
    const object = await cli(["--file", fixture("contacts-gbk.csv"), "--object", "deals"]);
    expect(object.code).toBe(2);
    expect(object.stderr.trim()).toBe('--object must be companies, contacts or tickets (got "deals")');
    const missing = await cli(["--file", "nope.csv", "--object", "contacts"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe("No such file: nope.csv");
    const usage = await cli(["--object", "contacts"]);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toContain("Usage: npm run import");
    expect(await db().importJob.count()).toBe(jobs);
  }, 120_000);
});
