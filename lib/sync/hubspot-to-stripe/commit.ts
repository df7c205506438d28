import "server-only";
import { db } from "@/lib/db";
import type { TStripeWrite } from "@/lib/sync/hubspot-to-stripe/decide";
import { recordWrites } from "@/lib/sync/ledger";
import { claimObservations, markClocksWritten } from "@/lib/sync/newest-clock";
import { logSync, pairEntry } from "@/lib/sync/sync-log";

/**
 * HubSpot → Stripe: what a step's successful Stripe writes leave behind — the pairs (created, or moved
 * to the customer written and the contact state written), their `newest` clocks, the write ledger and
 * SyncLog — in one transaction with one statement per table for the whole step. One transaction per
 * contact cost ~8 round trips each and held a pool connection throughout; at 10,000 contacts the app
 * was CPU-bound on them (docs/BENCHMARKS.md, session 6).
 */

export interface TWritten {
  w: TStripeWrite;
  customerId: string;
  /** The rule keys written (all writable keys when the pair was mapped by a twin meanwhile). */
  keys: string[];
  created: boolean;
}

const DIRECTION = "hubspot_to_stripe" as const;

/**
 * Rounds in which no contact and no customer appears twice: one INSERT … ON CONFLICT may not touch a
 * row twice, and a second write of a contact in one step must land after the first, as it would one
 * at a time. Almost always one round.
 */
export function distinctRounds(written: TWritten[]): TWritten[][] {
  const rounds: { items: TWritten[]; contacts: Set<string>; customers: Set<string> }[] = [];
  for (const x of written) {
    let round = rounds.find((r) => !r.contacts.has(x.w.contactId) && !r.customers.has(x.customerId));
    if (!round) rounds.push((round = { items: [], contacts: new Set(), customers: new Set() }));
    round.items.push(x);
    round.contacts.add(x.w.contactId);
    round.customers.add(x.customerId);
  }
  return rounds.map((r) => r.items);
}

type TTx = Parameters<Parameters<ReturnType<typeof db>["$transaction"]>[0]>[0];

/** Moves every contact's existing pair to its customer and state, then creates the pairs still missing. */
async function upsertPairs(tx: TTx, round: TWritten[], now: Date): Promise<Map<string, string>> {
  const contacts = round.map((x) => x.w.contactId);
  const customers = round.map((x) => x.customerId);
  const emails = round.map((x) => x.w.values.email ?? null);
  const states = round.map((x) => Math.round(x.w.contactUpdatedAtMs));
  // Whole milliseconds by integer arithmetic, as Prisma stores a JS Date (timestamp(3), UTC).
  const updated = await tx.$queryRaw<{ id: string; contact: string }[]>`
    UPDATE "ContactCustomerMap" m
       SET email = u.email, "lastSyncToStripeAt" = ${now}, "stripeCustomerId" = u.customer,
           "hubspotUpdatedAt" = GREATEST(m."hubspotUpdatedAt", (TIMESTAMP '1970-01-01' + u.ms * INTERVAL '1 millisecond')::timestamp(3)),
           status = 'ok', "lastError" = NULL, "updatedAt" = ${now}
      FROM unnest(${contacts}::text[], ${customers}::text[], ${emails}::text[], ${states}::bigint[]) AS u(contact, customer, email, ms)
     WHERE m."hubspotContactId" = u.contact
    RETURNING m.id, m."hubspotContactId" AS contact`;
  const mapIds = new Map(updated.map((r) => [r.contact, r.id]));
  const fresh = round.filter((x) => !mapIds.has(x.w.contactId));
  if (fresh.length === 0) return mapIds;
  // A customer already paired (with another contact, or a twin run's pair) is taken over by this contact.
  const inserted = await tx.$queryRaw<{ id: string; contact: string }[]>`
    INSERT INTO "ContactCustomerMap"
           (id, "hubspotContactId", "stripeCustomerId", email, "lastSyncToStripeAt", "hubspotUpdatedAt", "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, u.contact, u.customer, u.email, ${now},
           (TIMESTAMP '1970-01-01' + u.ms * INTERVAL '1 millisecond')::timestamp(3), ${now}, ${now}
      FROM unnest(${fresh.map((x) => x.w.contactId)}::text[], ${fresh.map((x) => x.customerId)}::text[],
                  ${fresh.map((x) => x.w.values.email ?? null)}::text[],
                  ${fresh.map((x) => Math.round(x.w.contactUpdatedAtMs))}::bigint[]) AS u(contact, customer, email, ms)
    ON CONFLICT ("stripeCustomerId") DO UPDATE
       SET email = EXCLUDED.email, "lastSyncToStripeAt" = EXCLUDED."lastSyncToStripeAt",
           "hubspotContactId" = EXCLUDED."hubspotContactId", "hubspotUpdatedAt" = EXCLUDED."hubspotUpdatedAt",
           status = 'ok', "lastError" = NULL, "updatedAt" = EXCLUDED."updatedAt"
    RETURNING id, "hubspotContactId" AS contact`;
  for (const r of inserted) mapIds.set(r.contact, r.id);
  // A new pair's clocks start from the contact's edits, written now (no statement without `newest` edits).
  for (const x of fresh) await claimObservations(mapIds.get(x.w.contactId)!, x.w.observations ?? [], tx);
  return mapIds;
}

/** Commits a step's successful writes; returns each write's pair id (by position). */
export async function commitStripeWrites(written: TWritten[]): Promise<string[]> {
  if (written.length === 0) return [];
  const now = new Date();
  return db().$transaction(async (tx) => {
    const mapIds = new Map<TWritten, string>();
    for (const round of distinctRounds(written)) {
      const byContact = await upsertPairs(tx, round, now);
      for (const x of round) {
        const id = byContact.get(x.w.contactId);
        // Cannot happen (every contact is updated or inserted); a lost row must fail the step, not vanish.
        if (!id) throw new Error(`pair of contact ${x.w.contactId} was neither updated nor created`);
        mapIds.set(x, id);
      }
      await markClocksWritten(
        tx,
        "HUBSPOT",
        round.map((x) => ({ mapId: mapIds.get(x)!, written: x.w.newest })),
      );
    }
    await recordWrites(
      written.map((x) => ({ system: "STRIPE", objectId: x.customerId, values: x.w.values, keys: x.keys })),
      tx,
    );
    await logSync(
      written.map((x) => ({
        ...pairEntry(DIRECTION, x.w.contactId, x.customerId, x.w.webhookEventId),
        outcome: "applied",
        statusCode: 200,
        lagMs: now.getTime() - x.w.occurredAt,
        message: `${x.w.nearMiss ? "near-miss echo: " : ""}${x.created ? "created" : "updated"} customer: ${x.keys.join(", ")}`,
      })),
      tx,
    );
    return written.map((x) => mapIds.get(x)!);
  });
}
