import "server-only";
import { db } from "@/lib/db";
import { archiveContact } from "@/lib/connectors/hubspot/contacts";
import { foldChange, type TFoldedChange } from "@/lib/sync/change-fold";
import { isForeignStripeRequest, isOwnStripeRequest } from "@/lib/sync/echo";
import { readMapping } from "@/lib/sync/mapping-settings";
import { claimObservations } from "@/lib/sync/newest-clock";
import { stripeObservations, type TObservation, type TStripeEventView } from "@/lib/sync/newest-observe";
import { isStale } from "@/lib/sync/staleness";
import { logSync, pairEntry, type TSyncLogEntry } from "@/lib/sync/sync-log";

/**
 * Stripe → HubSpot, first step: decides without calling Stripe. Deletions update the mapping (and
 * archive the contact when configured); our own requests (by our Idempotency-Key) are echoes; events
 * older than the newest applied `created` are stale. What remains goes to decide.ts (re-read there
 * unless it is a new customer whose event shows it whole).
 */

export interface TStripeChange {
  stripeEventId: string;
  type: string;
  objectId: string;
  created: number;
  webhookEventId?: string;
}

/** Resyncs and dead-letter replays (ids `resync:…`, `replay:…`) bypass the staleness, echo and unchanged checks. */
export const isForcedStripeChange = (c: TStripeChange) =>
  c.stripeEventId.startsWith("resync:") || c.stripeEventId.startsWith("replay:");

export interface TCustomerCandidate {
  customerId: string;
  created: number;
  force: boolean;
  /** Some event of the batch came from someone else's API request: a real change. */
  foreign?: boolean;
  /** `newest` fields whose edit in this batch is now the pair's newest (lib/sync/newest-clock.ts). */
  claimed?: string[];
  /** No pair yet: the `newest` edits, to start the clocks of the pair the write creates. */
  observations?: TObservation[];
  /**
   * No pair yet: the customer as the batch's newest event showed it, when that event alone holds its
   * second (decide.ts may write it instead of re-reading the customer).
   */
  snapshot?: Record<string, unknown>;
  webhookEventId?: string;
}

/** The object of the newest event, unless another event of the same second could be newer. */
function newestSnapshot(views: TStripeEventView[]): Record<string, unknown> | undefined {
  const newest = views.reduce<TStripeEventView | undefined>(
    (a, v) => (!a || v.created > a.created ? v : a),
    undefined,
  );
  if (!newest || newest.object.object !== "customer") return undefined;
  return views.filter((v) => v.created === newest.created).length === 1 ? newest.object : undefined;
}

const DIRECTION = "stripe_to_hubspot" as const;

async function handleDeleted(customerId: string, c: TStripeChange, logs: TSyncLogEntry[]): Promise<void> {
  const mapping = await readMapping();
  const m = await db().contactCustomerMap.findUnique({ where: { stripeCustomerId: customerId } });
  if (!m) {
    logs.push({
      ...pairEntry(DIRECTION, customerId, undefined, c.webhookEventId),
      targetSystem: undefined,
      outcome: "skipped_unchanged",
      message: "customer deleted (not mapped)",
    });
    return;
  }
  await db().contactCustomerMap.update({ where: { id: m.id }, data: { status: "customer_deleted" } });
  let message = "customer deleted in Stripe: mapping marked, HubSpot contact kept";
  if (mapping.deleteHubspotContactOnStripeDelete) {
    await archiveContact(m.hubspotContactId);
    message = "customer deleted in Stripe: HubSpot contact archived (configured)";
  }
  logs.push({
    ...pairEntry(DIRECTION, customerId, m.hubspotContactId, c.webhookEventId),
    outcome: "applied",
    message,
  });
}

type TStripeRequest = { id?: string | null; idempotency_key?: string | null } | undefined;
type TStripePayload = {
  request?: TStripeRequest;
  data?: { object?: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
};

/** Each event as the inbox stored it: who made the change, and what it changed. */
async function payloadsOf(changes: TStripeChange[]): Promise<Map<string, TStripePayload>> {
  const inbox = await db().webhookEvent.findMany({
    where: { provider: "STRIPE", dedupeKey: { in: changes.map((c) => c.stripeEventId) } },
    select: { dedupeKey: true, payload: true },
  });
  return new Map(inbox.map((r) => [r.dedupeKey, r.payload as TStripePayload]));
}

export async function triageCustomerChanges(changes: TStripeChange[]): Promise<TCustomerCandidate[]> {
  const logs: TSyncLogEntry[] = [];
  const mapping = await readMapping();
  const payloadOf = await payloadsOf(changes);
  const byCustomer = new Map<
    string,
    TFoldedChange & { deleted?: TStripeChange; views: TStripeEventView[] }
  >();
  for (const c of changes) {
    const prev = byCustomer.get(c.objectId);
    const payload = payloadOf.get(c.stripeEventId);
    const request = payload?.request;
    const view: TStripeEventView[] = payload?.data?.object
      ? [
          {
            created: c.created,
            type: c.type,
            object: payload.data.object,
            previous: payload.data.previous_attributes,
            own: isOwnStripeRequest(request),
          },
        ]
      : [];
    byCustomer.set(c.objectId, {
      ...foldChange(prev, {
        at: c.created,
        force: isForcedStripeChange(c),
        own: isOwnStripeRequest(request),
        foreign: isForeignStripeRequest(request),
        webhookEventId: c.webhookEventId,
      }),
      deleted: c.type === "customer.deleted" ? c : prev?.deleted,
      views: [...(prev?.views ?? []), ...view],
    });
  }
  const maps = await db().contactCustomerMap.findMany({
    where: { stripeCustomerId: { in: [...byCustomer.keys()] } },
  });
  const mapBy = new Map(maps.map((m) => [m.stripeCustomerId, m]));
  const out: TCustomerCandidate[] = [];
  for (const [customerId, c] of byCustomer) {
    const m = mapBy.get(customerId);
    const base = pairEntry(DIRECTION, customerId, m?.hubspotContactId, c.webhookEventId);
    if (c.deleted) {
      await handleDeleted(customerId, c.deleted, logs);
      continue;
    }
    // Claimed before the staleness check: an edit delivered late still counts by its own time.
    const observations = stripeObservations(c.views, mapping);
    const claimed = m && m.status !== "customer_deleted" ? await claimObservations(m.id, observations) : [];
    if (!c.force && c.own) {
      logs.push({
        ...base,
        outcome: "skipped_echo",
        message: "change made by RevBridge's own Stripe request",
      });
      continue;
    }
    if (!c.force && !claimed.length && m && isStale(c.at * 1000, m.stripeUpdatedAt, "s")) {
      logs.push({
        ...base,
        outcome: "skipped_stale",
        message: `event of ${new Date(c.at * 1000).toISOString()} is older than the state synced`,
      });
      continue;
    }
    if (!c.force && m && m.status === "customer_deleted") {
      logs.push({ ...base, outcome: "skipped_unchanged", message: "mapping is customer_deleted" });
      continue;
    }
    out.push({
      customerId,
      created: c.at,
      force: c.force,
      foreign: c.foreign,
      ...(claimed.length ? { claimed } : {}),
      ...(m ? {} : { observations }),
      ...(m || c.force ? {} : { snapshot: newestSnapshot(c.views) }),
      webhookEventId: c.webhookEventId,
    });
  }
  await logSync(logs);
  return out;
}
