/**
 * CSV import journey against `npm run demo` (HubSpot sandbox on 12112, runner on 8288): an operator
 * uploads messy companies, contacts and tickets files, checks the automatic mapping, previews, runs,
 * watches the progress and downloads the failed rows and the JSON report. Bad files are refused.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Download } from "@playwright/test";
import { signIn } from "./fixtures";

const FIXTURES = path.join(import.meta.dirname, "..", "lib", "imports", "fixtures");

async function text(download: Download): Promise<string> {
  const file = await download.path();
  return readFileSync(file, "utf8");
}

test("upload → mapping → preview → run → progress → report download", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, "OPERATOR", "/imports");
  await expect(page.getByRole("heading", { level: 1, name: "Imports", exact: true })).toBeVisible();

  const name = `e2e ${randomBytes(3).toString("hex")}`;
  await page.getByTestId("import-name").fill(name);
  await page.getByTestId("import-create").click();
  await expect(page.getByTestId("import-job")).toContainText(name);

  await page.getByTestId("upload-companies").setInputFiles(path.join(FIXTURES, "companies-tab.tsv"));
  await expect(page.getByTestId("file-companies-info")).toContainText("4 rows · utf-8 · tab");
  await page.getByTestId("upload-contacts").setInputFiles(path.join(FIXTURES, "contacts-bom-semicolon.csv"));
  await expect(page.getByTestId("file-contacts-info")).toContainText("4 rows · utf-8 · semicolon");
  await page.getByTestId("upload-tickets").setInputFiles(path.join(FIXTURES, "tickets-freetext.csv"));
  await expect(page.getByTestId("file-tickets-info")).toContainText("5 rows");

  // Automatic mapping, corrected by hand: the second e-mail column stays out.
  await expect(page.getByTestId("map-contacts-Email")).toHaveValue("email");
  await expect(page.getByTestId("map-contacts-Last name")).toHaveValue("lastname");
  await page.getByTestId("map-contacts-Notes").selectOption("jobtitle");
  await page.getByTestId("map-contacts-Notes").selectOption("");
  await page.getByTestId("mapping-save-contacts").click();

  await page.getByTestId("import-preview").click();
  await expect(page.getByTestId("preview-contacts")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("preview-contacts")).toContainText("contacts");
  await page.getByTestId("rows-object").selectOption("contacts");
  await expect(page.getByTestId("rows-table")).toContainText("Duplicate of row 1 in this file");
  await expect(page.getByTestId("rows-table")).toContainText("Would");

  await page.getByTestId("import-run").click();
  await expect(page.getByTestId("import-job")).toHaveAttribute("data-status", "COMPLETED", {
    timeout: 60_000,
  });
  await expect(page.getByTestId("import-progress-text")).toContainText("13 of 13 rows (100%)");
  await expect(page.getByTestId("report-contacts")).toContainText("contacts");
  await expect(page.getByTestId("report-tickets")).toContainText("unmatched");
  // The rows and the job list follow the finished run (not the preview's plan).
  await expect(page.getByTestId("rows-table")).toContainText("created");
  await expect(page.getByTestId("rows-table")).not.toContainText("Would create");
  await expect(page.getByTestId("import-list")).toContainText("completed");
  await page.screenshot({ path: "test-results/h8-imports.png", fullPage: true });

  const [failed] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("download-failed-contacts").click(),
  ]);
  const csv = await text(failed);
  expect(csv.split("\r\n")[0]).toContain("row,outcome,reason");
  expect(csv).toContain("not-an-email");
  expect(csv).toContain("is not a valid e-mail address");

  const [report] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("download-report").click(),
  ]);
  const json = JSON.parse(await text(report)) as { status: string; objects: { object: string }[] };
  expect(json.status).toBe("COMPLETED");
  expect(json.objects.map((o) => o.object)).toEqual(["companies", "contacts", "tickets"]);
});

test("files that are not CSV, empty or too big are refused with a clear message", async ({ page }) => {
  await signIn(page, "OPERATOR", "/imports");
  await page.getByTestId("import-name").fill(`bad files ${randomBytes(3).toString("hex")}`);
  await page.getByTestId("import-create").click();
  await page.getByTestId("upload-contacts").setInputFiles({
    name: "contacts.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 7)]),
  });
  await expect(page.getByTestId("upload-contacts-error")).toContainText("save it as CSV");
  await expect(page.getByTestId("file-contacts-info")).toHaveCount(0); // nothing was recorded
  await page
    .getByTestId("upload-contacts")
    .setInputFiles({ name: "empty.csv", mimeType: "text/csv", buffer: Buffer.from("") });
  await expect(page.getByTestId("upload-contacts-error")).toContainText("The file is empty");
  await expect(page.getByTestId("file-contacts-info")).toHaveCount(0);
});
