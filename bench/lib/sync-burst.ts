/**
 * The issue-6 seed burst, shared by seed-burst and chaos: HubSpot contact creations (the sandbox
 * delivers them as HubSpot does, signed, ≤ 100 events per request) paced evenly over `loadSeconds`,
 * Stripe customers and completed checkout purchases alongside; then waiting until everything synced,
 * the figures (lag from the engine's SyncLog, API calls and 429s from the sandboxes' counters) and the
 * reconciliation of both sandboxes against RevBridge's mappings.
 */
import type Stripe from "stripe";
import type { TSyncStack } from "@/bench/lib/sync-stack";
import { percentile } from "@/bench/lib/stats";
import { sleep } from "@/bench/lib/wait";

export interface TBurstLoad {
  contacts: number;
  customers: number;
  purchases: number;
  loadSeconds: number;
  /** Tells this burst's records apart from another burst's in the same sandboxes and database. */
  tag: string;
}

export interface TBurstSeeded {
  contactEmails: string[];
  customerIds: string[];
  /** Checkout sessions completed: the customer and the amount in cents. */
  purchases: { customer: string; amount: number }[];
  startedAt: number;
  loadSeconds: number;
}

export const hubDomain = (tag: string) => `${tag}.hub.bench.example.com`;
export const stripeDomain = (tag: string) => `${tag}.stripe.bench.example.com`;

/** Creates the load; `onProgress(fraction)` lets a chaos scenario strike at a point of the burst. */
export async function driveBurst(
  stack: TSyncStack,
  load: TBurstLoad,
  onProgress?: (fraction: number) => void,
): Promise<TBurstSeeded> {
  const startedAt = Date.now();
  const seeded: TBurstSeeded = {
    contactEmails: [],
    customerIds: [],
    purchases: [],
    startedAt,
    loadSeconds: 0,
  };
  const createContacts = async () => {
    const interval = (load.loadSeconds * 1000) / load.contacts;
    for (let i = 0; i < load.contacts; i++) {
      const due = startedAt + i * interval;
      if (due > Date.now()) await sleep(due - Date.now());
      const email = `seed${i}@${hubDomain(load.tag)}`;
      // A salesperson's edit, made in the sandbox's own process as its control route does: through
      // HTTP it cost this process (which also answers the app's Stripe calls and counts their rate)
      // 200 extra round trips a second, and its stalls bunched the app's requests into 429s.
      const res = stack.hub.portal.store.create(
        "contacts",
        { email, firstname: "Seed", lastname: `No${i}` },
        "CRM_UI",
        "userId:1001",
      );
      if (!res.ok) throw new Error(`contact ${i}: ${res.response.status}`);
      seeded.contactEmails.push(email);
      onProgress?.(i / load.contacts);
    }
  };
  const createCustomersAndPurchases = async () => {
    // Customers over the first 40 % of the window, purchases over the next 40 %.
    const customerGap = (load.loadSeconds * 400) / Math.max(1, load.customers);
    for (let i = 0; i < load.customers; i++) {
      const c = await stack.stripe.customers.create({
        email: `seed${i}@${stripeDomain(load.tag)}`,
        name: `Stripe Seed${i}`,
      });
      seeded.customerIds.push(c.id);
      await sleep(customerGap);
    }
    const purchaseGap = (load.loadSeconds * 400) / Math.max(1, load.purchases);
    for (let i = 0; i < load.purchases; i++) {
      const customer = seeded.customerIds[i % seeded.customerIds.length]!;
      const amount = 1000 + i;
      const session = await stack.stripe.checkout.sessions.create({
        mode: "payment",
        customer,
        success_url: "https://example.com/ok",
        line_items: [
          {
            quantity: 1,
            price_data: { currency: "usd", unit_amount: amount, product_data: { name: "Bench" } },
          },
        ],
      });
      stack.str.completeCheckoutSession(session.id);
      seeded.purchases.push({ customer, amount });
      await sleep(purchaseGap);
    }
  };
  await Promise.all([createContacts(), createCustomersAndPurchases()]);
  seeded.loadSeconds = (Date.now() - startedAt) / 1000;
  return seeded;
}

export interface TSyncProgress {
  /** HubSpot contacts paired with a Stripe customer. */
  h: number;
  /** Stripe customers paired with a HubSpot contact. */
  s: number;
  /** Purchases written to HubSpot. */
  p: number;
}

export async function syncProgress(stack: TSyncStack, load: TBurstLoad): Promise<TSyncProgress> {
  const r = await stack.pool.query<{ h: string; s: string; p: string }>(
    `SELECT (SELECT count(*) FROM "ContactCustomerMap" WHERE email LIKE $1) AS h,
            (SELECT count(*) FROM "ContactCustomerMap" WHERE email LIKE $2) AS s,
            (SELECT count(*) FROM "Purchase" p JOIN "ContactCustomerMap" m ON m."stripeCustomerId" = p."stripeCustomerId"
              WHERE m.email LIKE $2 AND p."hubspotSyncedAt" IS NOT NULL) AS p`,
    [`%@${hubDomain(load.tag)}`, `%@${stripeDomain(load.tag)}`],
  );
  const row = r.rows[0]!;
  return { h: Number(row.h), s: Number(row.s), p: Number(row.p) };
}

/** Polls until everything synced or `deadline`; `hubDoneAt` is when the last contact got its customer. */
export async function waitForSync(
  stack: TSyncStack,
  load: TBurstLoad,
  deadline: number,
): Promise<{ done: TSyncProgress; hubDoneAt: number | null; finishedAt: number }> {
  let hubDoneAt: number | null = null;
  for (;;) {
    let done: TSyncProgress | undefined;
    try {
      done = await syncProgress(stack, load);
    } catch {
      // The database may be restarting (chaos); try again.
    }
    if (done && hubDoneAt === null && done.h >= load.contacts) hubDoneAt = Date.now();
    const complete = done && done.h >= load.contacts && done.s >= load.customers && done.p >= load.purchases;
    if (done && (complete || Date.now() >= deadline)) return { done, hubDoneAt, finishedAt: Date.now() };
    await sleep(250);
  }
}

/**
 * Waits until nothing is in flight — every inbox row PROCESSED or IGNORED, no run of the runner's left
 * unfinished — seen twice a second apart, or until `deadline`. A judge that looks earlier mistakes an
 * echo webhook still waiting for its batch (triple delivery reorders deliveries by up to 2 s) for a
 * lost one.
 */
export async function waitForQuiet(stack: TSyncStack, deadline: number): Promise<boolean> {
  let quietSince: number | null = null;
  while (Date.now() < deadline) {
    try {
      const { rows } = await stack.pool.query<{ busy: number }>(
        `SELECT (SELECT count(*) FROM "WebhookEvent" WHERE status NOT IN ('PROCESSED', 'IGNORED'))::int
              + (SELECT count(*) FROM inngest_runner.runs WHERE status NOT IN ('completed', 'cancelled', 'failed'))::int
              AS busy`,
      );
      if (rows[0]!.busy > 0) quietSince = null;
      else if (quietSince === null) quietSince = Date.now();
      else if (Date.now() - quietSince >= 1_000) return true;
    } catch {
      quietSince = null; // the database may be restarting (chaos)
    }
    await sleep(250);
  }
  return false;
}

function percentiles(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), max: s.at(-1) ?? 0 };
}

/** Lag per direction from the engine's own SyncLog (write time minus the provider's change time). */
export async function lagFigures(stack: TSyncStack) {
  const lags = await stack.pool.query<{ direction: string; lag: number }>(
    `SELECT direction, "lagMs" AS lag FROM "SyncLog" WHERE outcome = 'applied' AND "lagMs" IS NOT NULL`,
  );
  const by = (d: string) => percentiles(lags.rows.filter((r) => r.direction === d).map((r) => Number(r.lag)));
  return {
    hubspotToStripe: by("hubspot_to_stripe"),
    stripeToHubspot: by("stripe_to_hubspot"),
    purchase: by("purchase"),
  };
}

/** Requests each sandbox answered and 429s it sent (the driver's own Stripe calls included). */
export async function providerCounters(stack: TSyncStack) {
  const get = async (url: string) =>
    (await (await fetch(`${url}/__sandbox/counters`)).json()) as {
      requests: number;
      rateLimited: number;
      byRoute: Record<string, number>;
    };
  const [h, s] = [await get(stack.hub.url), await get(stack.str.url)];
  return {
    apiCalls: { hubspot: h.requests, stripe: s.requests },
    stripeCallsByRoute: s.byRoute,
    received429: { hubspot: h.rateLimited, stripe: s.rateLimited },
  };
}

/** Where anything missing went: the engine's SyncLog outcomes, inbox states and dead letters. */
export async function engineTally(stack: TSyncStack) {
  const tally = async (sql: string) =>
    Object.fromEntries(
      (await stack.pool.query<{ k: string; n: string }>(sql)).rows.map((r) => [r.k, Number(r.n)]),
    );
  return {
    syncLog: await tally(`SELECT direction || ':' || outcome AS k, count(*) AS n FROM "SyncLog" GROUP BY 1`),
    inbox: await tally(`SELECT provider || ':' || status AS k, count(*) AS n FROM "WebhookEvent" GROUP BY 1`),
    deadLetters: await tally(
      `SELECT "functionId" || ': ' || left(error, 120) AS k, count(*) AS n FROM "DeadLetter" GROUP BY 1`,
    ),
  };
}

/** The runner's unfinished work (diagnosis of a scenario that did not converge). */
export async function runnerBacklog(stack: TSyncStack) {
  const q = async (sql: string) =>
    Object.fromEntries(
      (await stack.pool.query<{ k: string; n: string }>(sql)).rows.map((r) => [r.k, Number(r.n)]),
    );
  return {
    runs: await q(
      `SELECT function_id || ' ' || status AS k, count(*) AS n FROM inngest_runner.runs
       WHERE status NOT IN ('completed', 'cancelled') GROUP BY 1`,
    ),
    failedRuns: await q(
      `SELECT function_id || ': ' || left(coalesce(error->>'message', ''), 100) AS k, count(*) AS n
       FROM inngest_runner.runs WHERE status = 'failed' GROUP BY 1`,
    ),
    queue: await q(
      `SELECT kind || CASE WHEN lease_owner IS NULL THEN '' ELSE ' leased' END
              || CASE WHEN run_at > now() THEN ' later' ELSE ' due' END AS k, count(*) AS n
       FROM inngest_runner.queue GROUP BY 1`,
    ),
  };
}

export type { Stripe };
