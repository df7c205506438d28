/**
 * The issue-6 seed burst: HubSpot contact creations (delivered as HubSpot does, signed, ≤ 100 per
 * request) plus Stripe customers and checkout purchases, all within the first minute, synced both
 * ways by the app's real functions.
 *
 * Set-up: a fresh migrated database; HubSpot and Stripe sandboxes in this process (HubSpot 15 req/s
 * governor default, Stripe 100/s); the app in a child process (this file with `--app`): the webhook
 * intake (lib/inbox/receive.ts) and process-webhook + sync-* functions under `inngest/node`; the local
 * Inngest runner as a second child. Lag is the engine's own SyncLog `lagMs` (write time minus the
 * provider's change timestamp); duplicates and losses are counted from the sandboxes' state.
 *
 *   npm run bench -- seed-burst      (BENCH_SYNC_CONTACTS=10000 for the issue's full size)
 */
import type { ChildProcess } from "node:child_process";
import pg from "pg";
import type Stripe from "stripe";
import { z } from "zod";
import { launchAppWithRunner, serveAppChild } from "@/bench/lib/app-child";
import { createScratchDatabase } from "@/bench/lib/scratch-db";
import { percentile } from "@/bench/lib/stats";
import { sleep } from "@/bench/lib/wait";
import { parseEnv } from "@/lib/env";
import { startHubspotSandbox, type THubspotSandbox } from "@/sandbox/hubspot";
import { findFreePort, type TChildRunner } from "@/sandbox/inngest/child-runner";
import { startStripeSandbox, type TStripeSandbox } from "@/sandbox/stripe";
import { createTestClient } from "@/sandbox/stripe/test-client";
import { migrateDeploy } from "@/scripts/lib/migrate";

const ZBenchEnv = z.object({
  BENCH_POSTGRES_ADMIN_URL: z.string().default("postgresql://postgres@127.0.0.1:5432/postgres"),
  BENCH_SYNC_CONTACTS: z.coerce.number().int().min(10).max(10_000).default(1000),
  BENCH_SYNC_CUSTOMERS: z.coerce.number().int().min(1).max(1000).default(100),
  BENCH_SYNC_PURCHASES: z.coerce.number().int().min(0).max(1000).default(150),
  BENCH_SYNC_TIMEOUT_S: z.coerce.number().int().min(10).max(900).default(150),
});

const HUBSPOT_SECRET = "bench-sync-hubspot-secret";
const STRIPE_SECRET = "whsec_bench_sync";
const APP_ID = "1160452";
const TOKEN = "pat-na1-bench0000-0000-0000-0000-000000000000";
const STRIPE_KEY = "sk_test_benchsync1234567890";

// ───────────────────────── the app (child process) ─────────────────────────

async function serveApp(): Promise<void> {
  await serveAppChild(async () => {
    const { processWebhookFunction } = await import("@/inngest/functions/process-webhook");
    const { syncContactToStripeFunction } = await import("@/inngest/functions/sync-contact-to-stripe");
    const { syncCustomerToHubspotFunction } = await import("@/inngest/functions/sync-customer-to-hubspot");
    const { syncPurchaseToHubspotFunction } = await import("@/inngest/functions/sync-purchase-to-hubspot");
    return [
      processWebhookFunction,
      syncContactToStripeFunction,
      syncCustomerToHubspotFunction,
      syncPurchaseToHubspotFunction,
    ];
  });
}

// ───────────────────────── the driver (parent) ─────────────────────────

function percentiles(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), max: s.at(-1) ?? 0 };
}

async function hubspotContacts(hub: THubspotSandbox): Promise<{ id: string; email: string | null }[]> {
  const out: { id: string; email: string | null }[] = [];
  let after: string | undefined;
  do {
    const res = await fetch(
      `${hub.url}/crm/v3/objects/contacts?limit=100&properties=email${after ? `&after=${after}` : ""}`,
      {
        headers: { authorization: `Bearer ${TOKEN}` },
      },
    );
    if (res.status === 429) {
      await sleep(1000);
      continue;
    }
    const page = (await res.json()) as {
      results: { id: string; properties: { email?: string | null } }[];
      paging?: { next?: { after: string } };
    };
    out.push(...page.results.map((r) => ({ id: r.id, email: r.properties.email ?? null })));
    after = page.paging?.next?.after;
  } while (after);
  return out;
}

async function counters(url: string): Promise<{ requests: number; rateLimited: number }> {
  return (await fetch(`${url}/__sandbox/counters`)).json() as Promise<{
    requests: number;
    rateLimited: number;
  }>;
}

export async function run(): Promise<Record<string, unknown>> {
  const env = parseEnv(ZBenchEnv);
  const db = await createScratchDatabase(env.BENCH_POSTGRES_ADMIN_URL, "bench_sync");
  const databaseUrl = db.url;
  let runner: TChildRunner | undefined;
  let app: ChildProcess | undefined;
  let hub: THubspotSandbox | undefined;
  let str: TStripeSandbox | undefined;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  pool.on("error", () => undefined);
  try {
    await migrateDeploy(databaseUrl, { quiet: true });
    const appPort = await findFreePort();
    const appUrl = `http://127.0.0.1:${appPort}`;
    hub = await startHubspotSandbox({
      webhookUrl: `${appUrl}/api/webhooks/hubspot`,
      settings: { clientSecret: HUBSPOT_SECRET, appId: Number(APP_ID) },
      log: () => undefined,
    });
    str = await startStripeSandbox({
      port: 0,
      webhookUrl: `${appUrl}/api/webhooks/stripe`,
      webhookSecret: STRIPE_SECRET,
      log: () => undefined,
    });
    const stripe: Stripe = createTestClient(str.port, STRIPE_KEY);
    const launched = await launchAppWithRunner({
      scenario: "bench/seed-burst.ts",
      databaseUrl,
      appPort,
      env: {
        HUBSPOT_ACCESS_TOKEN: TOKEN,
        HUBSPOT_API_BASE: hub.url,
        HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET,
        HUBSPOT_APP_ID: APP_ID,
        STRIPE_SECRET_KEY: STRIPE_KEY,
        STRIPE_API_BASE: str.url,
        STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
      },
    });
    ({ runner, app } = launched);
    await launched.ready();

    const t0 = Date.now();
    // Load: contacts at an even pace over ~50 s, customers and purchases alongside (within one minute).
    const contactEmails: string[] = [];
    const createContacts = async () => {
      const interval = 50_000 / env.BENCH_SYNC_CONTACTS;
      for (let i = 0; i < env.BENCH_SYNC_CONTACTS; i++) {
        const due = t0 + i * interval;
        if (due > Date.now()) await sleep(due - Date.now());
        const email = `seed${i}@hub.bench.example.com`;
        contactEmails.push(email);
        const res = await fetch(`${hub!.url}/__sandbox/hubspot/objects/contacts`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ properties: { email, firstname: "Seed", lastname: `No${i}` } }),
        });
        if (!res.ok) throw new Error(`contact ${i}: ${res.status}`);
      }
    };
    const customerIds: string[] = [];
    const createCustomersAndPurchases = async () => {
      for (let i = 0; i < env.BENCH_SYNC_CUSTOMERS; i++) {
        const c = await stripe.customers.create({
          email: `seed${i}@stripe.bench.example.com`,
          name: `Stripe Seed ${i}`,
        });
        customerIds.push(c.id);
        await sleep(100);
      }
      for (let i = 0; i < env.BENCH_SYNC_PURCHASES; i++) {
        const session = await stripe.checkout.sessions.create({
          mode: "payment",
          customer: customerIds[i % customerIds.length]!,
          success_url: "https://example.com/ok",
          line_items: [
            {
              quantity: 1,
              price_data: { currency: "usd", unit_amount: 1000 + i, product_data: { name: "Bench" } },
            },
          ],
        });
        str!.completeCheckoutSession(session.id);
        await sleep(150);
      }
    };
    await Promise.all([createContacts(), createCustomersAndPurchases()]);
    const loadSeconds = (Date.now() - t0) / 1000;

    // Wait until every contact has its customer, every customer its contact and every purchase is on HubSpot.
    const deadline = t0 + env.BENCH_SYNC_TIMEOUT_S * 1000;
    const progress = async () => {
      const r = await pool.query<{ h: string; s: string; p: string }>(
        `SELECT (SELECT count(*) FROM "ContactCustomerMap" WHERE email LIKE '%@hub.bench.example.com') AS h,
                (SELECT count(*) FROM "ContactCustomerMap" WHERE email LIKE '%@stripe.bench.example.com') AS s,
                (SELECT count(*) FROM "Purchase" WHERE "hubspotSyncedAt" IS NOT NULL) AS p`,
      );
      return { h: Number(r.rows[0]!.h), s: Number(r.rows[0]!.s), p: Number(r.rows[0]!.p) };
    };
    let done = await progress();
    let hubDoneAt = done.h >= env.BENCH_SYNC_CONTACTS ? Date.now() : 0;
    while (
      Date.now() < deadline &&
      (done.h < env.BENCH_SYNC_CONTACTS ||
        done.s < env.BENCH_SYNC_CUSTOMERS ||
        done.p < env.BENCH_SYNC_PURCHASES)
    ) {
      await sleep(500);
      done = await progress();
      if (!hubDoneAt && done.h >= env.BENCH_SYNC_CONTACTS) hubDoneAt = Date.now();
    }
    const totalSeconds = (Date.now() - t0) / 1000;
    await sleep(3000); // let echoes settle before counting duplicates

    const lags = await pool.query<{ direction: string; lag: number }>(
      `SELECT direction, "lagMs" AS lag FROM "SyncLog" WHERE outcome = 'applied' AND "lagMs" IS NOT NULL`,
    );
    const lagBy = (d: string) =>
      percentiles(lags.rows.filter((r) => r.direction === d).map((r) => Number(r.lag)));

    // Sandboxes' state: Stripe customers per HubSpot contact, HubSpot contacts per email.
    const customers: Stripe.Customer[] = [];
    for await (const c of stripe.customers.list({ limit: 100 })) customers.push(c);
    const perContact = new Map<string, number>();
    for (const c of customers) {
      const id = c.metadata?.hubspot_contact_id;
      if (id) perContact.set(id, (perContact.get(id) ?? 0) + 1);
    }
    const contacts = await hubspotContacts(hub);
    const perEmail = new Map<string, number>();
    for (const c of contacts) if (c.email) perEmail.set(c.email, (perEmail.get(c.email) ?? 0) + 1);
    const stripeEmails = new Set(customers.map((c) => c.email));
    const purchases = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "Purchase"`);
    const [hc, sc] = await Promise.all([counters(hub.url), counters(str.url)]);
    // Where anything missing went: the engine's own records.
    const tally = async (sql: string) =>
      Object.fromEntries(
        (await pool.query<{ k: string; n: string }>(sql)).rows.map((r) => [r.k, Number(r.n)]),
      );
    const engine = {
      syncLog: await tally(
        `SELECT direction || ':' || outcome AS k, count(*) AS n FROM "SyncLog" GROUP BY 1`,
      ),
      inbox: await tally(
        `SELECT provider || ':' || status AS k, count(*) AS n FROM "WebhookEvent" GROUP BY 1`,
      ),
      deadLetters: await tally(
        `SELECT "functionId" || ': ' || left(error, 120) AS k, count(*) AS n FROM "DeadLetter" GROUP BY 1`,
      ),
    };
    return {
      setup:
        "HubSpot + Stripe sandboxes (this process) → app intake + process-webhook + sync-* functions (child) → local Inngest runner (child); node-svc, 2 cores shared with other work",
      load: {
        hubspotContacts: env.BENCH_SYNC_CONTACTS,
        stripeCustomers: env.BENCH_SYNC_CUSTOMERS,
        stripePurchases: env.BENCH_SYNC_PURCHASES,
        loadSeconds,
      },
      synced: done,
      totalSeconds,
      hubspotToStripeSeconds: hubDoneAt ? (hubDoneAt - t0) / 1000 : null,
      lagMs: {
        hubspotToStripe: lagBy("hubspot_to_stripe"),
        stripeToHubspot: lagBy("stripe_to_hubspot"),
        purchase: lagBy("purchase"),
      },
      apiCalls: { hubspot: hc.requests, stripe: sc.requests },
      received429: { hubspot: hc.rateLimited, stripe: sc.rateLimited },
      duplicates: {
        stripeCustomersPerContact: [...perContact.values()].filter((n) => n > 1).length,
        hubspotContactsPerEmail: [...perEmail.values()].filter((n) => n > 1).length,
        purchaseRowsOverSessions: Number(purchases.rows[0]!.n) - env.BENCH_SYNC_PURCHASES,
      },
      losses: {
        contactsWithoutCustomer: contactEmails.filter((e) => !stripeEmails.has(e)).length,
        customersWithoutContact: customers.filter(
          (c) => c.email?.endsWith("@stripe.bench.example.com") && !perEmail.has(c.email),
        ).length,
        purchasesNotOnHubspot: env.BENCH_SYNC_PURCHASES - done.p,
      },
      engine,
      targets: {
        stripeToHubspotP95Ms: 5000,
        hubspotToStripeSeconds: (1.1 * env.BENCH_SYNC_CONTACTS) / 100,
        zero: ["429s", "duplicates", "losses"],
      },
    };
  } finally {
    app?.kill("SIGTERM");
    await runner?.kill();
    await hub?.close();
    await str?.close();
    await pool.end();
    await db.drop();
  }
}

if (process.argv.includes("--app")) {
  await serveApp();
}
