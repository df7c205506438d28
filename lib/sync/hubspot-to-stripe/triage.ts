import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { foldChange, type TFoldedChange } from "@/lib/sync/change-fold";
import { isForeignHubspotChange, isOwnHubspotChange } from "@/lib/sync/echo";
import { isStale } from "@/lib/sync/staleness";
import { logSync, pairEntry, type TSyncLogEntry } from "@/lib/sync/sync-log";

/**
 * HubSpot → Stripe, first step: decides without calling HubSpot. Deletions and merges update the
 * mapping; our own API writes (INTEGRATION + our app id) are echoes; events at or before the newest
 * applied state are stale. What remains needs a read (decide.ts).
 */

export interface TContactChange {
  contactId: string;
  occurredAt: number;
  subscriptionType: string;
  changeSource?: string;
  sourceId?: string;
  mergedIds?: string[];
  webhookEventId?: string;
}

/** Engine-made events (resync, backfill, replay, catch-up) start with this; resync/replay bypass staleness. */
export const ENGINE_SUBSCRIPTION_PREFIX = "revbridge.";
export const isForced = (t: string) => t === "revbridge.resync" || t === "revbridge.replay";

export interface TContactCandidate {
  contactId: string;
  occurredAt: number;
  force: boolean;
  engine: boolean;
  /** Some event of the batch names another author (a person, an import…): a real change. */
  foreign?: boolean;
  webhookEventId?: string;
}

const DIRECTION = "hubspot_to_stripe" as const;

async function handleMerge(e: TContactChange, logs: TSyncLogEntry[]): Promise<void> {
  const client = db();
  const primary = await client.contactCustomerMap.findUnique({ where: { hubspotContactId: e.contactId } });
  for (const mergedId of e.mergedIds ?? []) {
    const merged = await client.contactCustomerMap.findUnique({ where: { hubspotContactId: mergedId } });
    if (!merged) continue;
    if (!primary) {
      // The surviving contact takes over the merged one's customer.
      await client.contactCustomerMap.update({
        where: { id: merged.id },
        data: { hubspotContactId: e.contactId, status: "ok" },
      });
      logs.push({
        ...pairEntry(DIRECTION, e.contactId, merged.stripeCustomerId, e.webhookEventId),
        outcome: "applied",
        message: `merge: contact ${mergedId} merged into ${e.contactId}; pair remapped`,
      });
    } else {
      await client.contactCustomerMap.update({
        where: { id: merged.id },
        data: { status: "contact_deleted", lastError: `merged into contact ${e.contactId}` },
      });
      logs.push({
        ...pairEntry(DIRECTION, mergedId, merged.stripeCustomerId, e.webhookEventId),
        outcome: "applied",
        message: `merge: contact ${mergedId} merged into ${e.contactId}, which keeps customer ${primary.stripeCustomerId}`,
      });
    }
  }
}

export async function triageContactChanges(events: TContactChange[]): Promise<TContactCandidate[]> {
  const logs: TSyncLogEntry[] = [];
  const byContact = new Map<string, TFoldedChange & { engine: boolean }>();
  const appId = env().HUBSPOT_APP_ID;
  for (const e of events) {
    if (e.subscriptionType === "contact.deletion") {
      const m = await db().contactCustomerMap.updateMany({
        where: { hubspotContactId: e.contactId },
        data: { status: "contact_deleted" },
      });
      logs.push({
        ...pairEntry(DIRECTION, e.contactId, undefined, e.webhookEventId),
        targetSystem: undefined,
        outcome: "applied",
        message: m.count
          ? "contact deleted in HubSpot: mapping marked, Stripe customer kept"
          : "contact deleted in HubSpot (not mapped)",
      });
      continue;
    }
    if (e.subscriptionType === "contact.merge") await handleMerge(e, logs);
    const prev = byContact.get(e.contactId);
    byContact.set(e.contactId, {
      ...foldChange(prev, {
        at: e.occurredAt,
        force: isForced(e.subscriptionType),
        own: isOwnHubspotChange(e.changeSource, e.sourceId, appId),
        foreign: isForeignHubspotChange(e.changeSource, e.sourceId, appId),
        webhookEventId: e.webhookEventId,
      }),
      engine: (prev?.engine ?? false) || e.subscriptionType.startsWith(ENGINE_SUBSCRIPTION_PREFIX),
    });
  }
  const maps = await db().contactCustomerMap.findMany({
    where: { hubspotContactId: { in: [...byContact.keys()] } },
  });
  const mapBy = new Map(maps.map((m) => [m.hubspotContactId, m]));
  const candidates: TContactCandidate[] = [];
  for (const [contactId, c] of byContact) {
    const m = mapBy.get(contactId);
    const base = pairEntry(DIRECTION, contactId, m?.stripeCustomerId, c.webhookEventId);
    if (!c.force && c.own) {
      logs.push({ ...base, outcome: "skipped_echo", message: "change made by RevBridge's own HubSpot app" });
      continue;
    }
    if (!c.force && m && isStale(c.at, m.hubspotUpdatedAt)) {
      logs.push({
        ...base,
        outcome: "skipped_stale",
        message: `event at ${new Date(c.at).toISOString()} is not newer than the state synced (${m.hubspotUpdatedAt?.toISOString()})`,
      });
      continue;
    }
    if (m && m.status !== "ok" && m.status !== "error" && !c.force) {
      logs.push({ ...base, outcome: "skipped_unchanged", message: `mapping is ${m.status}: not synced` });
      continue;
    }
    candidates.push({
      contactId,
      occurredAt: c.at,
      force: c.force,
      engine: c.engine,
      foreign: c.foreign,
      webhookEventId: c.webhookEventId,
    });
  }
  await logSync(logs);
  return candidates;
}
