/**
 * Sync journeys against `npm run demo` (sandboxes on 12111–12114, runner on 8288, app on E2E_PORT):
 * an admin lowers a rate limit and the Sync page shows the new ceiling; an operator replays a dead
 * letter, then a filtered batch; a Stripe purchase in the sandbox reaches the HubSpot contact and the
 * console, and the record is resynced by hand; the initial sync runs from the Sync page.
 */
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { parseEnv, ZDatabaseEnv } from "@/lib/env";
import { signIn } from "./fixtures";

const STRIPE = "http://127.0.0.1:12111";
const HUBSPOT = "http://127.0.0.1:12112";
const RUNNER = "http://127.0.0.1:8288";
const STRIPE_KEY = "sk_test_RevBridgeDemo2026"; // the demo's sandbox key (scripts/lib/demo-services.ts)

const origin = (page: Page) => ({ origin: new URL(page.url()).origin });

async function patchLimit(page: Page, data: Record<string, unknown>) {
  return page.request.patch("/api/console/rate-limits", { data, headers: origin(page) });
}

test("an admin lowers a limit and the Sync page shows the new ceiling; others get 403", async ({ page }) => {
  await signIn(page, "ADMIN", "/settings");
  await page.getByTestId("rate-input-hubspot-default").fill("9");
  await page.getByTestId("burst-input-hubspot-default").fill("4");
  await page.getByTestId("rate-save-hubspot-default").click();
  await expect(page.getByTestId("audit-log")).toContainText("rate_limit.update");
  await expect(page.getByTestId("audit-log")).toContainText('"to":{"burst":4,"ratePerSecond":9}');

  // Validation answers 400 with the field named, and saves nothing.
  const bad = await patchLimit(page, {
    provider: "HUBSPOT",
    bucket: "default",
    ratePerSecond: 0,
    burst: 1.5,
  });
  expect(bad.status()).toBe(400);

  await page.goto("/sync");
  await expect(page.getByRole("heading", { name: "Sync", exact: true })).toBeVisible();
  await expect(page.getByTestId("governor-ceiling-hubspot-default")).toHaveText("9 / s (burst 4)");
  await expect(page.getByTestId("governor-ceiling-stripe-default")).toHaveText("95 / s (burst 1)");
  // The calls chart (API calls the governor granted per minute) draws against the new ceiling.
  await expect(page.getByTestId("chart-calls")).toContainText("Ceilings now: HubSpot 9/s, Stripe 95/s.");

  // An OPERATOR sees the table read-only and the API refuses them.
  await page.context().clearCookies();
  await signIn(page, "OPERATOR", "/settings");
  await expect(page.getByTestId("rate-input-hubspot-default")).toHaveCount(0);
  const refused = await patchLimit(page, {
    provider: "HUBSPOT",
    bucket: "default",
    ratePerSecond: 500,
    burst: 500,
  });
  expect(refused.status()).toBe(403);

  // Put the default back for the other tests.
  await page.context().clearCookies();
  await signIn(page, "ADMIN", "/settings");
  expect(
    (
      await patchLimit(page, { provider: "HUBSPOT", bucket: "default", ratePerSecond: 15, burst: 15 })
    ).status(),
  ).toBe(200);
});

/** The e2e database the demo runs on (playwright.config.ts: `--database revbridge_e2e`). */
function e2eDatabaseUrl(): string | null {
  const { DATABASE_URL } = parseEnv(ZDatabaseEnv);
  if (!DATABASE_URL) return null;
  const url = new URL(DATABASE_URL);
  url.pathname = "/revbridge_e2e";
  return url.toString();
}

async function seedDeadLetter(
  objectId: string,
  error = "ProviderUnavailableError: HubSpot 503 (e2e fixture)",
): Promise<string> {
  const url = e2eDatabaseUrl();
  if (!url) throw new Error("unreachable: the test is skipped without DATABASE_URL");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const id = `e2e_${randomBytes(6).toString("hex")}`;
    // What deadLetterOnFailure writes when a resync of this contact ran out of retries.
    await client.query(
      `INSERT INTO "DeadLetter" (id, "functionId", "eventName", payload, error, attempts, subject)
       VALUES ($1, 'sync-resync', 'revbridge/sync.resync.requested', $2, $3, 4, $4)`,
      [id, JSON.stringify({ system: "HUBSPOT", objectId }), error, `HUBSPOT:contact:${objectId}`],
    );
    return id;
  } finally {
    await client.end();
  }
}

test("an operator inspects and replays a dead letter; the replay is sent once and audited", async ({
  page,
}) => {
  test.skip(
    !e2eDatabaseUrl(),
    "seeding the dead letter needs DATABASE_URL (the embedded server's port is private)",
  );
  const objectId = String(900_000 + Math.floor(Math.random() * 99_999));
  const id = await seedDeadLetter(objectId);

  await signIn(page, "OPERATOR", "/dead-letters");
  // Outbox dead letters are lifecycle events, so the page shows the events mode (read-only here).
  await expect(page.getByTestId("events-mode")).toHaveText(/Mode: (Dry run|Live|Disabled)/);
  await expect(page.getByTestId("events-mode-select")).toHaveCount(0);
  const row = page.getByTestId(`dl-row-${id}`);
  await expect(row).toContainText("sync-resync");
  await expect(row).toContainText(`HUBSPOT:contact:${objectId}`);
  await row.getByRole("button", { name: "Inspect" }).click();
  await expect(page.getByTestId("dead-letter-detail")).toContainText("revbridge/sync.resync.requested");
  await expect(page.getByTestId("dead-letter-detail")).toContainText(`"objectId": "${objectId}"`);

  await page.getByTestId(`dl-replay-${id}`).click();
  await expect(page.getByText(`Replay sent as event replay:${id}:1.`)).toBeVisible();
  await page.getByTestId("dl-status-replayed").click();
  await expect(page.getByTestId(`dl-status-cell-${id}`)).toHaveText("replayed (1×)");

  // A second press from a stale screen (count 0) is refused instead of sending twice.
  const again = await page.request.post(`/api/console/dead-letters/${id}/replay`, {
    data: { expectedReplayCount: 0 },
    headers: origin(page),
  });
  expect(again.status()).toBe(409);

  // The runner received exactly one event with the replay id.
  const events = (await (
    await fetch(
      `${RUNNER}/v1/events?name=${encodeURIComponent("revbridge/sync.resync.requested")}&limit=1000`,
    )
  ).json()) as { data: { id?: string; data: { objectId?: string } }[] };
  expect(events.data.filter((e) => e.data.objectId === objectId).map((e) => e.id)).toEqual([
    `replay:${id}:1`,
  ]);

  // A VIEWER can inspect but has no buttons, and the API refuses them.
  await page.context().clearCookies();
  await signIn(page, "VIEWER", "/dead-letters");
  await page.getByTestId("dl-status-all").click();
  await expect(page.getByTestId(`dl-row-${id}`)).toBeVisible();
  await expect(page.getByTestId(`dl-replay-${id}`)).toHaveCount(0);
  const viewer = await page.request.post(`/api/console/dead-letters/${id}/replay`, {
    data: { expectedReplayCount: 1 },
    headers: origin(page),
  });
  expect(viewer.status()).toBe(403);

  // The audit log names the operator's replay.
  await page.context().clearCookies();
  await signIn(page, "ADMIN", "/settings");
  await expect(page.getByTestId("audit-log")).toContainText(`DeadLetter:${id}`);
});

async function resyncEventIds(objectId: string): Promise<string[]> {
  const events = (await (
    await fetch(
      `${RUNNER}/v1/events?name=${encodeURIComponent("revbridge/sync.resync.requested")}&limit=1000`,
    )
  ).json()) as { data: { id?: string; data: { objectId?: string } }[] };
  return events.data.filter((e) => e.data.objectId === objectId).map((e) => e.id ?? "");
}

test("an operator replays every dead letter matching a search in one press, each once", async ({ page }) => {
  test.skip(!e2eDatabaseUrl(), "seeding dead letters needs DATABASE_URL");
  const tag = `batch-${randomBytes(4).toString("hex")}`;
  const objectIds = [0, 1].map((i) => String(800_000 + Math.floor(Math.random() * 99_999) + i));
  const ids = await Promise.all(objectIds.map((o) => seedDeadLetter(o, `HubSpot 502 (${tag})`)));

  await signIn(page, "OPERATOR", "/dead-letters");
  await page.getByPlaceholder("HUBSPOT:contact:101").fill(tag);
  for (const id of ids) await expect(page.getByTestId(`dl-row-${id}`)).toBeVisible();
  await expect(page.getByTestId("dead-letters").locator("tbody tr")).toHaveCount(2);
  page.once("dialog", (d) => void d.accept());
  await page.getByTestId("dl-replay-all").click();
  await expect(page.getByText("Replayed 2.")).toBeVisible();
  await expect(page.getByTestId("dead-letters-empty")).toBeVisible(); // none of them is open any more
  await page.getByTestId("dl-status-all").click();
  await page.getByTestId(`dl-row-${ids[0]!}`).getByRole("button", { name: "Inspect" }).click();
  await expect(page.getByTestId("dead-letter-detail")).toContainText("dead_letter.replay_all");

  for (const [i, id] of ids.entries()) {
    expect(await resyncEventIds(objectIds[i]!)).toEqual([`replay:${id}:1`]);
  }
  // A second press finds nothing open: 0 replayed, nothing sent.
  const again = await page.request.post("/api/console/dead-letters/replay-all", {
    data: { status: "open", q: tag },
    headers: origin(page),
  });
  expect(await again.json()).toEqual({ replayed: 0, remaining: 0 });
});

async function stripeForm(path: string, form: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(`${STRIPE}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${STRIPE_KEY}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function hubspotControl(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${HUBSPOT}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await res.json()) as Record<string, unknown>;
}

test("a Stripe purchase in the sandbox shows on the HubSpot contact and in the console", async ({ page }) => {
  test.setTimeout(120_000);
  const email = `buyer-${randomBytes(4).toString("hex")}@example.com`;
  // A salesperson creates the contact in HubSpot; its webhook makes the Stripe customer and the pair.
  const contact = await hubspotControl("/__sandbox/hubspot/objects/contacts", {
    properties: { email, firstname: "Ana", lastname: "Buyer" },
  });
  const contactId = String(contact.id);
  await hubspotControl("/__sandbox/hubspot/webhooks/flush", {});

  await signIn(page, "OPERATOR", "/sync/mappings");
  await page.getByTestId("mappings-search").fill(email);
  const row = page.getByTestId(`mapping-${contactId}`);
  await expect(row).toBeVisible({ timeout: 45_000 });
  const customerId = (await row.locator("code").nth(1).textContent())?.trim() ?? "";
  expect(customerId).toMatch(/^cus_/);

  // The customer pays 42.00 USD through Checkout.
  const session = await stripeForm("/v1/checkout/sessions", {
    mode: "payment",
    customer: customerId,
    "line_items[0][price_data][currency]": "usd",
    "line_items[0][price_data][unit_amount]": "4200",
    "line_items[0][price_data][product_data][name]": "Term deposit",
    "line_items[0][quantity]": "1",
    success_url: "http://localhost/done",
  });
  const paid = await fetch(`${STRIPE}/__sandbox/stripe/checkout/sessions/${String(session.id)}/complete`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  expect(paid.ok).toBe(true);

  // On the HubSpot contact: lifetime spend (the engine's default property names, lib/sync/mapping.ts).
  await expect
    .poll(
      async () => {
        const c = await hubspotControl(`/__sandbox/hubspot/objects/contacts/${contactId}`);
        return (c.properties as Record<string, string | null> | undefined)?.revbridge_lifetime_spend ?? null;
      },
      { timeout: 45_000, message: "lifetime spend on the HubSpot contact" },
    )
    .toMatch(/^42(\.00?)?$/);

  // In the console: the pair's history shows the purchase as delivered to HubSpot.
  await row.getByRole("button", { name: "History" }).click();
  const history = page.getByTestId("mapping-history");
  await expect(history).toContainText("purchase 42.00 USD", { timeout: 15_000 });
  await expect(history).toContainText("on HubSpot");
  await expect(page.getByTestId("field-mapping")).toContainText("HubSpot wins");

  // Manual resync of this record from HubSpot: requested, then recorded as a decision in its history.
  await row.getByRole("button", { name: /from HubSpot to Stripe/ }).click();
  await expect(page.getByText(`Resync requested: HubSpot contact ${contactId} → Stripe.`)).toBeVisible();
  await expect
    .poll(() => resyncEventIds(contactId), { timeout: 15_000 })
    .toEqual([expect.stringMatching(new RegExp(`^resync:HUBSPOT:${contactId}:`))]);
  // A bad body is a 400 naming the field, and sends nothing.
  const bad = await page.request.post("/api/console/sync/resync", {
    data: { system: "SALESFORCE", objectId: contactId },
    headers: origin(page),
  });
  expect(bad.status()).toBe(400);
  expect(await resyncEventIds(contactId)).toHaveLength(1);

  await page.goto("/sync");
  await expect(page.getByTestId("chart-throughput")).not.toContainText("No webhooks in this window");
});

test("an operator starts the initial sync from the Sync page and sees it finish; a viewer cannot", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await signIn(page, "OPERATOR", "/sync");
  await page.getByTestId("backfill-direction").selectOption("stripe_to_hubspot");
  await page.getByTestId("backfill-start").click();
  await expect(page.getByText("Initial sync requested.")).toBeVisible();
  // Progress is saved page by page by the engine; the card polls it.
  await expect(page.getByTestId("backfill-status")).toHaveText("done · stripe to hubspot", {
    timeout: 60_000,
  });
  await expect(page.getByTestId("backfill-progress")).toContainText("not part of this run");

  await page.context().clearCookies();
  await signIn(page, "VIEWER", "/sync");
  await expect(page.getByTestId("backfill-status")).toHaveText("done · stripe to hubspot");
  await expect(page.getByTestId("backfill-start")).toHaveCount(0);
  const refused = await page.request.post("/api/console/sync/backfill", {
    data: { direction: "both" },
    headers: origin(page),
  });
  expect(refused.status()).toBe(403);
});

test("an admin changes who wins a field on the Mappings page; bad input is refused and saves nothing", async ({
  page,
}) => {
  await signIn(page, "ADMIN", "/sync/mappings");
  const phone = page.getByTestId("owner-phone");
  await expect(phone).toHaveValue("newest");

  // A bad region is refused with the field named, and nothing is saved.
  await page.getByLabel("Phone region for numbers without a country code").fill("USA");
  await page.getByTestId("field-mapping-save").click();
  await expect(page.getByText(/Some fields are invalid\. defaultPhoneRegion: /)).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Phone region for numbers without a country code")).toHaveValue("US");

  await page.getByTestId("owner-phone").selectOption("stripe");
  await page.getByTestId("field-mapping-save").click();
  await expect(page.getByText("Saved and audited")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("owner-phone")).toHaveValue("stripe");

  // The audit log names the change; then put the default back.
  await page.goto("/settings");
  await expect(page.getByTestId("audit-log")).toContainText("owner.phone: newest → stripe");
  await page.goto("/sync/mappings");
  await page.getByTestId("owner-phone").selectOption("newest");
  await page.getByTestId("field-mapping-save").click();
  await expect(page.getByText("Saved and audited")).toBeVisible();

  // An OPERATOR sees the mapping read-only and the API refuses them.
  await page.context().clearCookies();
  await signIn(page, "OPERATOR", "/sync/mappings");
  await expect(page.getByTestId("field-mapping")).toContainText("newest change wins");
  await expect(page.getByTestId("owner-phone")).toHaveCount(0);
  const refused = await page.request.put("/api/console/sync/field-mapping", {
    data: { owners: { phone: "stripe" } },
    headers: origin(page),
  });
  expect(refused.status()).toBe(403);
});
