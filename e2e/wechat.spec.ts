/**
 * WeChat journeys against `npm run demo` (WeChat sandbox on 12113): a reader opens the /wechat/code link
 * inside "WeChat" (the sandbox's OAuth), sees their code large, and gets the same code from the menu; an
 * operator creates a campaign with a QR code and edits the reply template the account sends.
 */
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

const WECHAT = "http://127.0.0.1:12113";
const CODE = /\b([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4})\b/;

async function control(path: string, body: unknown): Promise<string> {
  const res = await fetch(`${WECHAT}/__sandbox/wechat${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, `${path}: ${text.slice(0, 300)}`).toBeLessThan(300);
  return text;
}

test("a reader opens /wechat/code in WeChat and sees the same code the menu gives", async ({ browser }) => {
  const openid = `oE2EWeb${randomBytes(10).toString("hex")}`;
  await control(`/followers/${openid}/follow`, {});
  await control("/oauth/current-follower", { openid });

  const context = await browser.newContext({ locale: "zh-CN" });
  const page = await context.newPage();
  await page.goto("/wechat/code");
  await expect(page.getByRole("heading", { name: "我的微信验证码" })).toBeVisible();
  const shown = (await page.getByTestId("wechat-code").textContent())?.trim() ?? "";
  expect(shown).toMatch(CODE);
  await expect(page.getByTestId("copy-code")).toHaveText("复制");
  await page.screenshot({ path: test.info().outputPath("wechat-code.png"), fullPage: true });

  const reply = await control(`/followers/${openid}/click`, { eventKey: "GET_CODE" });
  expect(CODE.exec(reply)?.[1]).toBe(shown);

  // Reloading the page re-uses a spent OAuth code: the reader is told to open the link again.
  await page.reload();
  await expect(page.getByTestId("wechat-code-error")).toBeVisible();
  await context.close();
});

test("an operator creates a campaign with a QR code and edits the reply template", async ({ page }) => {
  await signIn(page, "OPERATOR", "/campaigns");
  await page.goto("/campaigns");
  const name = `E2E campaign ${randomBytes(3).toString("hex")}`;
  const scene = `e2e-${randomBytes(3).toString("hex")}`;
  await page.getByTestId("campaign-name").fill(name);
  await page.getByTestId("campaign-scene").fill(scene);
  await page.getByTestId("campaign-create").click();
  const card = page.getByTestId(`campaign-${scene}`);
  await expect(card.getByRole("img", { name: `WeChat QR code for ${name}` })).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByTestId(`campaign-download-${scene}`).click();
  expect((await download).suggestedFilename()).toBe(`campaign-${scene}.png`);

  // A follow through the campaign's scene is attributed to it.
  const openid = `oE2EQr${randomBytes(10).toString("hex")}`;
  await control(`/followers/${openid}/follow`, { scene });
  await page.reload();
  await expect(page.getByTestId(`campaign-${scene}`)).toContainText("1 follower");
  await page.screenshot({ path: test.info().outputPath("campaigns.png"), fullPage: true });

  const zh = page.getByTestId("template-zh");
  await zh.fill("E2E 模板：{code}");
  await page.getByTestId("templates-save").click();
  await expect(page.getByText("Saved.")).toBeVisible();
  // Settings are cached per server instance for up to 5 s (clicks in one second share a reply).
  await expect
    .poll(() => control(`/followers/${openid}/click`, { eventKey: "GET_CODE" }), {
      timeout: 15_000,
      intervals: [1_100],
    })
    .toMatch(/E2E 模板：[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/);

  // Put the default back for other journeys.
  await zh.fill(
    "您的专属验证码：{code}\n填写报名表或咨询表时，请在“微信验证码”一栏填入此码，我们就能为您关联信息。",
  );
  await page.getByTestId("templates-save").click();
  await expect(page.getByText("Saved.")).toBeVisible();
});
