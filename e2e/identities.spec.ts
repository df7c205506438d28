/**
 * Identity journeys against `npm run demo` (sandboxes on 12111–12114, runner on 8288): a WeChat
 * follower gets a code from the sandbox phone, "fills in" a HubSpot form with it, the webhook flows
 * through the app (inbox → dispatcher → matching) and `wechat_openid` is written back; an operator
 * finds the person and their timeline; a reviewer approves a suggested match for a mistyped code.
 */
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures";

const HUBSPOT = "http://127.0.0.1:12112";
const WECHAT = "http://127.0.0.1:12113";
const HUBSPOT_TOKEN = "pat-demo-revbridge-sandbox"; // the demo's sandbox token (scripts/lib/demo-services.ts)

async function call<T>(
  url: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method: init.method ?? "POST",
    headers: {
      "content-type": "application/json",
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** A new follower taps "Get My Code" on the sandbox phone; returns the code shown in the reply. */
async function followerWithCode(): Promise<{ openid: string; code: string }> {
  const openid = `oE2E${randomBytes(12).toString("hex")}`;
  await call(`${WECHAT}/__sandbox/wechat/followers/${openid}/follow`, { body: {} });
  const click = await call<unknown>(`${WECHAT}/__sandbox/wechat/followers/${openid}/click`, {
    body: { eventKey: "GET_CODE" },
  });
  const code = /\b([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4})\b/.exec(JSON.stringify(click.body))?.[1];
  expect(code, `the phone's reply carries a code: ${JSON.stringify(click.body).slice(0, 300)}`).toBeTruthy();
  return { openid, code: code! };
}

/** The school's form has a "WeChat code" field: the portal property exists (409 when it already does). */
async function ensureCodeProperty(): Promise<void> {
  const res = await call(`${HUBSPOT}/crm/v3/properties/contacts`, {
    token: HUBSPOT_TOKEN,
    body: {
      name: "wechat_code",
      label: "WeChat code",
      type: "string",
      fieldType: "text",
      groupName: "contactinformation",
    },
  });
  expect([201, 200, 409]).toContain(res.status);
}

async function submitForm(email: string, code: string): Promise<string> {
  const res = await call<{ id: string }>(`${HUBSPOT}/__sandbox/hubspot/forms/submit`, {
    body: { email, properties: { wechat_code: code, firstname: "E2E", lastname: email.split("@")[0] } },
  });
  expect(res.status).toBeLessThan(300);
  return res.body.id;
}

async function contactOpenid(contactId: string): Promise<string | null> {
  const res = await call<{ properties: Record<string, string | null> }>(
    `${HUBSPOT}/__sandbox/hubspot/objects/contacts/${contactId}`,
    { method: "GET" },
  );
  return res.body.properties.wechat_openid ?? null;
}

async function search(page: Page, q: string) {
  await page.getByLabel("OpenID, code, email or name").fill(q);
  await page.getByRole("button", { name: "Search" }).click();
}

test("a follower's code typed into a HubSpot form links them; an operator sees the identity and its timeline", async ({
  page,
}) => {
  const { openid, code } = await followerWithCode();
  await ensureCodeProperty();
  // Typed loosely, as people do: lower case, the dash kept.
  const contactId = await submitForm(`e2e-${openid.slice(-8)}@example.com`, code.toLowerCase());

  // The webhook flows through the app: inbox → dispatcher → identity-hubspot-contact → write-back.
  await expect.poll(() => contactOpenid(contactId), { timeout: 30_000 }).toBe(openid);

  await signIn(page, "OPERATOR", "/identities");
  await expect(page.getByRole("heading", { name: "Identities", exact: true })).toBeVisible();
  await search(page, code.replace("-", " "));
  await page.getByTestId(`person-${openid}`).click();
  await expect(page.getByTestId("person-code")).toHaveText(code);
  await expect(page.getByTestId("link-HUBSPOT")).toContainText(contactId);
  const timeline = page.getByTestId("timeline");
  await expect(timeline.getByTestId("timeline-followed")).toBeVisible();
  await expect(timeline.getByTestId("timeline-code_issued")).toContainText(code);
  await expect(timeline.getByTestId("timeline-form_submitted")).toContainText("matched and linked");
  // Linked by code to the contact (and, when the sync made a Stripe customer for it, to that customer too).
  await expect(timeline.getByTestId("timeline-linked").filter({ hasText: "linked by code" })).toContainText(
    contactId,
  );
  // The matching settings and backstops are on the same page; an OPERATOR may run them, not edit them.
  await expect(page.getByTestId("reconcile-schedule")).toContainText("Nightly reconciliation at 02:00");
  await expect(page.getByRole("button", { name: "Reconcile now" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Save matching settings" })).toHaveCount(0);
  await page.screenshot({ path: "test-results/h5b-identities.png", fullPage: true });
});

test("a mistyped code waits for review; a viewer only reads it; an operator approves the suggestion", async ({
  page,
}) => {
  const { openid, code } = await followerWithCode();
  await ensureCodeProperty();
  // One character wrong: the check character catches it, so nothing is linked automatically.
  const plain = code.replace("-", "");
  const wrongAt = 2;
  const typo = plain.slice(0, wrongAt) + (plain[wrongAt] === "7" ? "8" : "7") + plain.slice(wrongAt + 1);
  const contactId = await submitForm(`e2e-typo-${openid.slice(-8)}@example.com`, typo);

  await signIn(page, "VIEWER", "/identities");
  const row = page.locator("tr[data-testid^=review-]").filter({ hasText: typo });
  await expect(async () => {
    await page.reload();
    await expect(row).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByTestId("review-read-only")).toBeVisible();
  await expect(row.getByRole("button", { name: /Approve/ })).toHaveCount(0);
  expect(await contactOpenid(contactId)).toBeNull();

  await page.context().clearCookies();
  await signIn(page, "OPERATOR", "/identities");
  await row.getByRole("button", { name: `Approve ${code}` }).click();
  await expect(row).toHaveCount(0);
  await expect.poll(() => contactOpenid(contactId), { timeout: 30_000 }).toBe(openid);

  // The decision is audited (Settings shows the audit log).
  await page.goto("/settings");
  await expect(page.getByTestId("audit-log")).toContainText("identity.review.approve");
});
