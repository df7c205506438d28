/**
 * Shared set-up of the sync engine's integration tests (sync-*.int.test.ts), end to end, for real: HubSpot and Stripe sandboxes deliver signed webhooks to the
 * app's intake (bench/lib/webhook-server.ts), the local runner drives the app's functions, and the
 * assertions read the sandboxes' state and our tables.
 */
import type { InngestFunction } from "inngest";
import type Stripe from "stripe";
import { afterAll, beforeAll } from "vitest";
import { webhookDispatchFunctions } from "@/inngest/functions/process-webhook";
import { syncContactToStripeFunction } from "@/inngest/functions/sync-contact-to-stripe";
import { syncCustomerToHubspotFunction } from "@/inngest/functions/sync-customer-to-hubspot";
import { syncPurchaseToHubspotFunction } from "@/inngest/functions/sync-purchase-to-hubspot";
import { syncResyncFunction } from "@/inngest/functions/sync-resync";
import { db } from "@/lib/db";
import { startWebhookServer, type TWebhookServer } from "@/bench/lib/webhook-server";
// Test-only module (imported by sync-*.int.test.ts alone): it drives the sandboxes as the providers.
// eslint-disable-next-line no-restricted-imports
import { startHubspotSandbox, type THubspotSandbox } from "@/sandbox/hubspot";
// eslint-disable-next-line no-restricted-imports
import { startStripeSandbox, type TStripeSandbox } from "@/sandbox/stripe";
// eslint-disable-next-line no-restricted-imports
import { createTestClient } from "@/sandbox/stripe/test-client";
import { startAppInngest, waitFor, type TAppInngest } from "@/test/app-inngest";
import { withFreshDatabase } from "@/test/db";
import { restoreAppEnv, stubAppEnv } from "@/test/env";

export const HUBSPOT_SECRET = "sync-int-hubspot-secret";
export const STRIPE_SECRET = "whsec_sync_int_test";
export const APP_ID = "1160452";

export let hooks: TWebhookServer;
export let hub: THubspotSandbox;
export let str: TStripeSandbox;
export let stripe: Stripe;
export let app: TAppInngest;

/**
 * Call once at the top of a test file: a fresh database, both sandboxes, the intake and the runner.
 * `extraFunctions` adds functions only some files want running (the hourly catch-up's cron fires
 * every few seconds under the runner's time compression, so it is not in every file).
 */
export function setUpSyncHarness(opts: { extraFunctions?: InngestFunction.Like[] } = {}): void {
  const database = withFreshDatabase();
  beforeAll(async () => {
    hooks = await startWebhookServer();
    hub = await startHubspotSandbox({
      webhookUrl: hooks.hubspotUrl,
      webhookKnobs: { timeScale: 0.001 },
      settings: { clientSecret: HUBSPOT_SECRET, webhookBatchWindowMs: 20, appId: Number(APP_ID) },
    });
    str = await startStripeSandbox({ port: 0, webhookUrl: hooks.stripeUrl, webhookSecret: STRIPE_SECRET });
    stripe = createTestClient(str.port);
    stubAppEnv(database.url(), {
      APP_URL: hooks.url,
      HUBSPOT_ACCESS_TOKEN: "pat-na1-sync-int",
      HUBSPOT_API_BASE: hub.url,
      HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET,
      HUBSPOT_APP_ID: APP_ID,
      STRIPE_SECRET_KEY: "sk_test_syncint1234567890",
      STRIPE_API_BASE: str.url,
      STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
    });
    app = await startAppInngest({
      functions: [
        ...webhookDispatchFunctions,
        syncContactToStripeFunction,
        syncCustomerToHubspotFunction,
        syncPurchaseToHubspotFunction,
        syncResyncFunction,
        ...(opts.extraFunctions ?? []),
      ],
      // Backoff (15 s, 30 s, 1 min…) and batch windows a thousand times shorter.
      runner: { timeCompression: 1000 },
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await hub?.close();
    await str?.close();
    await hooks?.close();
    restoreAppEnv();
  });
}

export async function control<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${hub.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export type THubRecord = { id: string; properties: Record<string, string | null> };
export const salespersonCreates = (properties: Record<string, string>) =>
  control<THubRecord>("/__sandbox/hubspot/objects/contacts", { properties });
export const salespersonEdits = (id: string, properties: Record<string, string>) =>
  control<THubRecord>(`/__sandbox/hubspot/objects/contacts/${id}/edit`, { properties });
export const rawContact = (id: string) => control<THubRecord>(`/__sandbox/hubspot/objects/contacts/${id}`);

export const mapFor = (where: { hubspotContactId?: string; stripeCustomerId?: string }) =>
  waitFor(
    () => db().contactCustomerMap.findFirst({ where }),
    `mapping ${JSON.stringify(where)}`,
    20_000,
  ).catch(async (error: unknown) => {
    // Say why: the engine's own records of what it decided.
    const logs = await db().syncLog.findMany({ orderBy: { createdAt: "desc" }, take: 10 });
    const dead = await db().deadLetter.findMany({ orderBy: { createdAt: "desc" }, take: 3 });
    throw new Error(
      `${String(error)}\nsync log: ${JSON.stringify(logs.map((l) => [l.direction, l.outcome, l.sourceId, l.message?.slice(0, 160)]))}\ndead letters: ${JSON.stringify(dead.map((d) => d.error.slice(0, 160)))}`,
    );
  });

export async function counters(base: string): Promise<{ byRoute: Record<string, number> }> {
  return (await fetch(`${base}/__sandbox/counters`)).json() as Promise<{ byRoute: Record<string, number> }>;
}
export const stripeCustomerWrites = async () => {
  const c = await counters(str.url);
  return (c.byRoute["POST /v1/customers"] ?? 0) + (c.byRoute["POST /v1/customers/:customer"] ?? 0);
};
export const BATCH_UPSERT = "POST /crm/v3/objects/:objectType/batch/upsert";
export const hubspotContactWrites = async () => {
  const c = await counters(hub.url);
  return Object.entries(c.byRoute)
    .filter(([route]) => /^POST \/crm\/v3\/objects\/:objectType\/batch\/(upsert|update)|^PATCH /.test(route))
    .reduce((n, [, v]) => n + v, 0);
};

/** Records made while no webhook reaches the app (as before RevBridge was connected). */
export async function withoutWebhooks<T>(work: () => Promise<T>): Promise<T> {
  hub.standIn.webhooks!.configure({ targetUrl: null });
  str.webhooks.configure({ targetUrl: null });
  try {
    const result = await work();
    // HubSpot buffers changes for its batch window before it hands them to delivery: let it, first.
    await waitFor(() => hub.portal.webhooks.pending() === 0, "HubSpot webhook buffer flushed");
    return result;
  } finally {
    hub.standIn.webhooks!.configure({ targetUrl: hooks.hubspotUrl });
    str.webhooks.configure({ targetUrl: hooks.stripeUrl });
  }
}

/** Waits until nothing is left to do: inbox drained and every function run finished. */
export async function quiet(): Promise<void> {
  await waitFor(
    async () =>
      (await db().webhookEvent.count({ where: { status: { in: ["RECEIVED", "HANDED_OFF"] } } })) === 0,
    "inbox drained",
    20_000,
  );
  for (const fn of [
    "process-webhook",
    "process-stripe-webhook",
    "sync-contact-to-stripe",
    "sync-customer-to-hubspot",
    "sync-purchase-to-hubspot",
  ]) {
    await waitFor(
      async () => (await app.runs(fn)).every((r) => ["Completed", "Failed", "Cancelled"].includes(r.status)),
      `${fn} idle`,
      30_000,
    );
  }
  await new Promise((r) => setTimeout(r, 300));
}
