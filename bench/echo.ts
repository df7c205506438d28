/**
 * The issue-6 echo bench: random edits on both sides of paired records — HubSpot contact property
 * edits by a salesperson (sandbox CRM UI, so HubSpot sends its own webhooks) and Stripe customer
 * edits through the API — while the app syncs both ways; then quiescence, and the checks: final states
 * equal on both sides (canonical form, every mapped field), each field holding the last edit made by
 * a side allowed to change it, and writes ≤ edits (the engine's writes counted twice: WriteLedger
 * rows, and the sandboxes' write counters less the bench's own edits).
 *
 * Set-up: bench/lib/echo-env.ts (scratch database, sandboxes here, app + runner as children).
 *
 *   npm run bench -- echo      (BENCH_ECHO_EDITS, BENCH_ECHO_PAIRS, BENCH_ECHO_SECONDS, BENCH_ECHO_SEED)
 */
import { z } from "zod";
import {
  checkFinalStates,
  generateEdits,
  hubspotEditBody,
  stripeEditParams,
  type TEdit,
  type TPairState,
} from "@/bench/lib/echo-edits";
import { serveSyncApp, startSyncBenchEnv, type TSyncBenchEnv } from "@/bench/lib/echo-env";
import { sleep, waitUntil } from "@/bench/lib/wait";
import { parseEnv } from "@/lib/env";
import { DEFAULT_MAPPING, toHubspotProperties, type TCanonical } from "@/lib/sync/mapping";

const ZBenchEnv = z.object({
  BENCH_POSTGRES_ADMIN_URL: z.string().default("postgresql://postgres@127.0.0.1:5432/postgres"),
  BENCH_ECHO_EDITS: z.coerce.number().int().min(10).max(10_000).default(1000),
  BENCH_ECHO_PAIRS: z.coerce.number().int().min(1).max(1000).default(50),
  /** The edits are spread evenly over this many seconds. */
  BENCH_ECHO_SECONDS: z.coerce.number().int().min(1).max(600).default(50),
  BENCH_ECHO_SEED: z.coerce.number().int().default(6),
  BENCH_ECHO_TIMEOUT_S: z.coerce.number().int().min(10).max(900).default(240),
});

const mapping = DEFAULT_MAPPING;

interface TPair {
  contactId: string;
  customerId: string;
  /** The customer's address as last set by the bench (Stripe owns it: nothing else changes it). */
  address: Record<string, string>;
}

/**
 * Pairs to edit: contacts created in HubSpot (identity and phone; the engine creates their Stripe
 * customers), then each customer's address filled in Stripe (the engine copies it to HubSpot, creating
 * the address properties there). Everything here happens before the counted phase.
 */
async function seedPairs(env: TSyncBenchEnv, n: number, timeoutMs: number): Promise<TPair[]> {
  const contactIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const start: TCanonical = {
      email: `echo${i}@bench.example.com`,
      name: `Echo Pair${i}`,
      phone: "+14155550100",
    };
    const props = toHubspotProperties(start, Object.keys(start), mapping);
    const c = await env.hubspotControl<{ id: string }>("/__sandbox/hubspot/objects/contacts", {
      properties: props,
    });
    contactIds.push(c.id);
  }
  const pairs = new Map<string, string>();
  await waitUntil(
    async () => {
      const rows = await env.pool.query<{ h: string; s: string }>(
        `SELECT "hubspotContactId" AS h, "stripeCustomerId" AS s FROM "ContactCustomerMap" WHERE "hubspotContactId" = ANY($1)`,
        [contactIds],
      );
      for (const r of rows.rows) pairs.set(r.h, r.s);
      return pairs.size === n;
    },
    timeoutMs,
    `${n} contacts paired with Stripe customers`,
  );
  const out = contactIds.map((id, i) => ({
    contactId: id,
    customerId: pairs.get(id)!,
    address: { line1: `${i} Main St`, city: "Springfield", state: "IL", postal_code: "62701", country: "US" },
  }));
  for (const p of out) await env.stripe.customers.update(p.customerId, { address: { ...p.address } });
  return out;
}

async function applyEdit(env: TSyncBenchEnv, pairs: TPair[], e: TEdit): Promise<void> {
  const pair = pairs[e.pair]!;
  if (e.side === "hubspot") {
    await env.hubspotControl(`/__sandbox/hubspot/objects/contacts/${pair.contactId}/edit`, {
      properties: hubspotEditBody(e, mapping),
    });
  } else {
    await env.stripe.customers.update(pair.customerId, stripeEditParams(e, mapping, pair.address));
  }
  e.at = Date.now();
}

async function readStates(env: TSyncBenchEnv, pairs: TPair[]): Promise<TPairState[]> {
  const out: TPairState[] = [];
  for (const [i, p] of pairs.entries()) {
    const contact = await env.hubspotControl<{ properties: Record<string, string | null> }>(
      `/__sandbox/hubspot/objects/contacts/${p.contactId}`,
    );
    const customer = await env.stripe.customers.retrieve(p.customerId);
    if (customer.deleted) throw new Error(`customer ${p.customerId} was deleted`);
    const { email, name, phone, address } = customer;
    out.push({
      pair: i,
      hubspot: contact.properties,
      stripe: { email, name, phone, address: { ...address } },
    });
  }
  return out;
}

/** The engine's records since `since`: decisions by direction and outcome, writes, near-misses. */
async function engineFigures(env: TSyncBenchEnv, since: Date) {
  const q = async <T extends Record<string, unknown>>(sql: string) =>
    (await env.pool.query<T>(sql, [since])).rows;
  const outcomes = await q<{ k: string; n: string }>(
    `SELECT direction || ':' || outcome AS k, count(*) AS n FROM "SyncLog" WHERE "createdAt" >= $1 GROUP BY 1 ORDER BY 1`,
  );
  const ledger = await q<{ system: string; n: string }>(
    `SELECT system, count(*) AS n FROM "WriteLedger" WHERE "writtenAt" >= $1 GROUP BY 1`,
  );
  const misses = await q<{ n: string }>(
    `SELECT count(*) AS n FROM "SyncLog" WHERE "createdAt" >= $1 AND outcome = 'applied' AND message LIKE 'near-miss echo%'`,
  );
  const dead = await q<{ n: string }>(`SELECT count(*) AS n FROM "DeadLetter" WHERE "createdAt" >= $1`);
  const byOutcome = Object.fromEntries(outcomes.map((r) => [r.k, Number(r.n)]));
  const sumOutcome = (o: string) =>
    Object.entries(byOutcome)
      .filter(([k]) => k.endsWith(`:${o}`))
      .reduce((n, [, v]) => n + v, 0);
  return {
    byOutcome,
    ledgerWrites: Object.fromEntries(ledger.map((r) => [r.system, Number(r.n)])),
    echoesSuppressed: sumOutcome("skipped_echo"),
    nearMisses: Number(misses[0]!.n),
    deadLetters: Number(dead[0]!.n),
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const cfg = parseEnv(ZBenchEnv);
  const env = await startSyncBenchEnv({
    scenario: "bench/echo.ts",
    adminUrl: cfg.BENCH_POSTGRES_ADMIN_URL,
    dbPrefix: "bench_echo",
  });
  try {
    const timeoutMs = cfg.BENCH_ECHO_TIMEOUT_S * 1000;
    const pairs = await seedPairs(env, cfg.BENCH_ECHO_PAIRS, timeoutMs);
    await env.quiescence(5000, timeoutMs);
    const [hub0, str0] = [await env.counters("hubspot"), await env.counters("stripe")];
    const since = new Date();

    const edits = generateEdits({
      mapping,
      edits: cfg.BENCH_ECHO_EDITS,
      pairs: pairs.length,
      seed: cfg.BENCH_ECHO_SEED,
    });
    const t0 = Date.now();
    const interval = (cfg.BENCH_ECHO_SECONDS * 1000) / edits.length;
    for (const [i, e] of edits.entries()) {
      const due = t0 + i * interval;
      if (due > Date.now()) await sleep(due - Date.now());
      await applyEdit(env, pairs, e);
    }
    const editSeconds = (Date.now() - t0) / 1000;
    const quietAfterS = await env.quiescence(8000, timeoutMs);

    const [hub1, str1] = [await env.counters("hubspot"), await env.counters("stripe")];
    const stripeEdits = edits.filter((e) => e.side === "stripe").length;
    const engine = await engineFigures(env, since);
    const check = checkFinalStates(await readStates(env, pairs), edits, mapping);
    const ledgerTotal = Object.values(engine.ledgerWrites).reduce((n, v) => n + v, 0);
    const apiWrites = {
      hubspot: hub1.writes - hub0.writes,
      // The sandbox counts the bench's own customer edits too; they are not the engine's.
      stripe: str1.writes - str0.writes - stripeEdits,
    };
    return {
      setup:
        "HubSpot + Stripe sandboxes (this process) → app intake + webhook dispatchers + sync-* functions (child) → local Inngest runner (child); default field mapping",
      load: {
        edits: edits.length,
        hubspotEdits: edits.length - stripeEdits,
        stripeEdits,
        pairs: pairs.length,
        editSeconds,
        seed: cfg.BENCH_ECHO_SEED,
      },
      quiescenceAfterEditsSeconds: quietAfterS,
      finalStates: {
        fieldsCompared: check.fieldsCompared,
        unequal: check.unequal.length,
        lastEditLost: check.lastEditLost.length,
        examples: [...check.unequal.slice(0, 5), ...check.lastEditLost.slice(0, 5)],
      },
      writes: {
        ledgerRecordWrites: engine.ledgerWrites,
        ledgerTotal,
        apiWriteCalls: apiWrites,
        apiWriteCallsTotal: apiWrites.hubspot + apiWrites.stripe,
        writesLeEdits: ledgerTotal <= edits.length && apiWrites.hubspot + apiWrites.stripe <= edits.length,
      },
      echoesSuppressed: engine.echoesSuppressed,
      nearMisses: engine.nearMisses,
      decisions: engine.byOutcome,
      deadLetters: engine.deadLetters,
      received429: {
        hubspot: hub1.rateLimited - hub0.rateLimited,
        stripe: str1.rateLimited - str0.rateLimited,
      },
      targets: { unequal: 0, writesLeEdits: true },
    };
  } finally {
    await env.close();
  }
}

if (process.argv.includes("--app")) {
  await serveSyncApp();
}
