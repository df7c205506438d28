import "server-only";
import { env } from "@/lib/env";
import { readContacts, type TContact } from "@/lib/connectors/hubspot/contacts";
import { isOwnHubspotChange } from "@/lib/sync/echo";
import { fromHubspot } from "@/lib/sync/mapping";
import { readMapping } from "@/lib/sync/mapping-settings";
import { claimObservations, resyncPair } from "@/lib/sync/newest-clock";
import {
  hubspotObservations,
  newestHubspotProperties,
  newestRules,
  type TObservation,
} from "@/lib/sync/newest-observe";

/**
 * HubSpot → Stripe: the contacts' `newest` edits (property history) claimed on their pairs' clocks
 * (lib/sync/newest-clock.ts, rules 1 and 4).
 */

const isOwnEntry = (e: { sourceType: string; sourceId?: string }) =>
  isOwnHubspotChange(e.sourceType, e.sourceId, env().HUBSPOT_APP_ID);

/**
 * Claims each contact's `newest` edits on its pair, then reads HubSpot again for the contacts that
 * claimed one: a write of the other direction that landed after the first read (RevBridge's own entry
 * on top of the history, with another value) is repaired by re-syncing that direction. Returns every
 * contact's observations (a contact without a pair yet starts its clocks when the pair is created).
 */
export async function claimHubspotEdits(
  contacts: TContact[],
  mapBy: Map<string, { id: string; stripeCustomerId: string }>,
  properties: string[],
): Promise<Map<string, TObservation[]>> {
  const mapping = await readMapping();
  const observed = new Map<string, TObservation[]>();
  const claimedBy = new Map<string, string[]>();
  for (const contact of contacts) {
    const obs = hubspotObservations(contact.properties, contact.history, mapping, isOwnEntry);
    observed.set(contact.id, obs);
    const m = mapBy.get(contact.id);
    if (!m) continue;
    const claimed = await claimObservations(m.id, obs);
    if (claimed.length) claimedBy.set(contact.id, claimed);
  }
  if (claimedBy.size === 0) return observed;
  const { found } = await readContacts([...claimedBy.keys()], properties, newestHubspotProperties(mapping));
  for (const again of found) {
    const m = mapBy.get(again.id);
    const claimed = claimedBy.get(again.id);
    if (!m || !claimed) continue;
    const mine = new Map((observed.get(again.id) ?? []).map((o) => [o.key, o]));
    const current = fromHubspot(again.properties, mapping);
    const overwritten = newestRules(mapping).some((rule) => {
      if (!claimed.includes(rule.key)) return false;
      const top = rule.hubspot.map((p) => again.history?.[p]?.[0]).filter((e) => e !== undefined);
      return top.some(isOwnEntry) && (current[rule.key] ?? null) !== mine.get(rule.key)?.value;
    });
    if (overwritten)
      await resyncPair(
        "stripe_to_hubspot",
        { mapId: m.id, contactId: again.id, customerId: m.stripeCustomerId },
        "source",
      );
  }
  return observed;
}
