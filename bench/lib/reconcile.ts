/**
 * End-of-burst reconciliation: the HubSpot sandbox, the Stripe sandbox and RevBridge's own records
 * (ContactCustomerMap, Purchase, WebhookEvent inbox, DeadLetter) must agree for every record the burst
 * created. Reads the sandboxes' in-process state, so it costs no API calls and meets no injected fault.
 * Any lost, duplicated or drifted record is counted and a few are named, for a scenario to fail on.
 */
import type { TBurstLoad, TBurstSeeded } from "@/bench/lib/sync-burst";
import { hubDomain, stripeDomain } from "@/bench/lib/sync-burst";
import type { TSyncStack } from "@/bench/lib/sync-stack";

export interface TReconciliation {
  ok: boolean;
  lost: number;
  duplicated: number;
  drifted: number;
  /** Inbox rows not PROCESSED/IGNORED and dead letters: accepted work that did not finish. */
  unfinished: number;
  /** Up to 10 named problems, for the report. */
  problems: string[];
}

const SPEND_PROPERTY = "revbridge_lifetime_spend";
/** A Stripe object's string field ("" when absent or not a string). */
const text = (v: unknown) => (typeof v === "string" ? v : "");

export async function reconcile(
  stack: TSyncStack,
  load: TBurstLoad,
  seeded: TBurstSeeded,
): Promise<TReconciliation> {
  const problems: string[] = [];
  const counts = { lost: 0, duplicated: 0, drifted: 0, unfinished: 0 };
  const flag = (kind: keyof typeof counts, what: string) => {
    counts[kind]++;
    if (problems.length < 10) problems.push(`${kind}: ${what}`);
  };
  const inTag = (email: string | undefined | null) =>
    !!email && (email.endsWith(`@${hubDomain(load.tag)}`) || email.endsWith(`@${stripeDomain(load.tag)}`));

  const contacts = stack.hub.portal.store
    .page("contacts", undefined, Number.MAX_SAFE_INTEGER)
    .results.filter((c) => inTag(c.properties.email));
  const contactsByEmail = groupBy(contacts, (c) => c.properties.email!.toLowerCase());
  const customers = stack.str.state.customers
    .list()
    .filter((c) => !c.deleted && inTag(typeof c.email === "string" ? c.email : null));
  const customersByEmail = groupBy(customers, (c) => text(c.email).toLowerCase());
  const maps = await stack.pool.query<{ hubspotContactId: string; stripeCustomerId: string; email: string }>(
    `SELECT "hubspotContactId", "stripeCustomerId", email FROM "ContactCustomerMap" WHERE email LIKE $1 OR email LIKE $2`,
    [`%@${hubDomain(load.tag)}`, `%@${stripeDomain(load.tag)}`],
  );
  const mapsByEmail = groupBy(maps.rows, (m) => m.email.toLowerCase());

  const pairs: { email: string; name: string }[] = [
    ...seeded.contactEmails.map((email, i) => ({ email, name: `Seed No${i}` })),
    ...seeded.customerIds.map((_, i) => ({
      email: `seed${i}@${stripeDomain(load.tag)}`,
      name: `Stripe Seed${i}`,
    })),
  ];
  for (const { email, name } of pairs) {
    const hs = contactsByEmail.get(email) ?? [];
    const st = customersByEmail.get(email) ?? [];
    const mp = mapsByEmail.get(email) ?? [];
    if (hs.length === 0) flag("lost", `no HubSpot contact for ${email}`);
    if (st.length === 0) flag("lost", `no Stripe customer for ${email}`);
    if (mp.length === 0) flag("lost", `no mapping for ${email}`);
    if (hs.length > 1) flag("duplicated", `${hs.length} HubSpot contacts for ${email}`);
    if (st.length > 1) flag("duplicated", `${st.length} Stripe customers for ${email}`);
    if (mp.length > 1) flag("duplicated", `${mp.length} mappings for ${email}`);
    const [h, s, m] = [hs[0], st[0], mp[0]];
    if (!h || !s || !m) continue;
    if (m.hubspotContactId !== h.id || m.stripeCustomerId !== s.id)
      flag(
        "drifted",
        `mapping of ${email} is ${m.hubspotContactId}⇄${m.stripeCustomerId}, sandboxes ${h.id}⇄${s.id}`,
      );
    const metadata = (s.metadata ?? {}) as Record<string, unknown>;
    if (metadata.hubspot_contact_id !== h.id)
      flag(
        "drifted",
        `Stripe ${s.id} metadata.hubspot_contact_id=${String(metadata.hubspot_contact_id)} ≠ ${h.id}`,
      );
    const hubName = `${h.properties.firstname ?? ""} ${h.properties.lastname ?? ""}`.trim();
    if (text(s.name) !== name || hubName !== name)
      flag("drifted", `name of ${email}: HubSpot "${hubName}", Stripe "${text(s.name)}", expected "${name}"`);
  }

  // Purchases: one row per completed session, each on HubSpot once, and the spend adds up.
  const purchases = await stack.pool.query<{
    stripeCustomerId: string;
    n: string;
    synced: string;
    total: string;
  }>(
    `SELECT "stripeCustomerId", count(*) AS n, count("hubspotSyncedAt") AS synced, sum(amount) AS total
     FROM "Purchase" WHERE "stripeCustomerId" = ANY($1) GROUP BY 1`,
    [seeded.customerIds],
  );
  const rowsByCustomer = new Map(purchases.rows.map((r) => [r.stripeCustomerId, r]));
  const expected = groupBy(seeded.purchases, (p) => p.customer);
  const customerById = new Map(customers.map((c) => [c.id, c]));
  const contactIds = new Set(contacts.map((c) => c.id));
  for (const [customer, list] of expected) {
    const row = rowsByCustomer.get(customer);
    const n = Number(row?.n ?? 0);
    if (n < list.length) flag("lost", `${list.length - n} purchase(s) of ${customer} not recorded`);
    if (n > list.length) flag("duplicated", `${n - list.length} extra purchase row(s) of ${customer}`);
    if (Number(row?.synced ?? 0) < n)
      flag("lost", `${n - Number(row?.synced ?? 0)} purchase(s) of ${customer} not on HubSpot`);
    const email = text(customerById.get(customer)?.email).toLowerCase();
    const contact = contactsByEmail.get(email)?.[0];
    const want = (list.reduce((sum, p) => sum + p.amount, 0) / 100).toFixed(2);
    const have = contact?.properties[SPEND_PROPERTY];
    if (contact && (have === undefined || Number(have).toFixed(2) !== want))
      flag("drifted", `lifetime spend of contact ${contact.id} is ${String(have)}, Stripe says ${want}`);
  }
  const perKey = new Map<string, number>();
  for (const e of stack.hub.portal.behavioralEvents()) {
    const key = e.properties.purchase_key;
    if (key && e.objectId && contactIds.has(e.objectId)) perKey.set(key, (perKey.get(key) ?? 0) + 1);
  }
  for (const [key, n] of perKey) if (n > 1) flag("duplicated", `${n} HubSpot purchase events for ${key}`);

  // RevBridge's logs: every accepted webhook finished, nothing waits in the dead letters.
  // Where an unfinished row stands at the runner: its event, and the runs that event started.
  const pending = await stack.pool.query<{ id: string; status: string; event: string; runs: string | null }>(
    `SELECT w.id, w.status::text AS status,
            (SELECT count(*)::text FROM inngest_runner.events e
              WHERE e.id = 'webhook:' || w.provider || ':' || w."dedupeKey") AS event,
            (SELECT string_agg(r.function_id || ' ' || r.status, ', ') FROM inngest_runner.runs r
              WHERE 'webhook:' || w.provider || ':' || w."dedupeKey" = ANY(r.event_ids)) AS runs
     FROM "WebhookEvent" w WHERE w.status NOT IN ('PROCESSED', 'IGNORED')`,
  );
  for (const r of pending.rows)
    flag("unfinished", `inbox row ${r.id} ${r.status} (runner events ${r.event}, runs: ${r.runs ?? "none"})`);
  const dead = await stack.pool.query<{ functionId: string; error: string }>(
    `SELECT "functionId", error FROM "DeadLetter" WHERE status = 'open'`,
  );
  for (const d of dead.rows) flag("unfinished", `dead letter ${d.functionId}: ${d.error.slice(0, 100)}`);

  const ok = counts.lost + counts.duplicated + counts.drifted + counts.unfinished === 0;
  return { ok, ...counts, problems };
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
