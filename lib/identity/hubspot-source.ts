import "server-only";
import { ProviderRejectedError } from "@/lib/connectors/errors";
import { hubspotCall } from "@/lib/connectors/hubspot/client";
import { ensureContactProperty } from "@/lib/identity/hubspot-properties";
import { isLinkedOutcome, matchSubmission, type TMatchResult } from "@/lib/identity/match";
import { readIdentitySettings } from "@/lib/identity/settings";
import { writeBackOpenid, type TWriteBackResult } from "@/lib/identity/write-back";

/**
 * HubSpot as a source of typed codes: a contact's code property, seen through the
 * `hubspot.contact.changed` domain event (webhook), the catch-up search and the nightly rescan.
 * Webhook payloads are hints: the contact is re-read before deciding.
 */

export interface TContactCode {
  contactId: string;
  code: string | null;
  openid: string | null;
}

/** Whether a contact change can carry a new code (so the contact is worth re-reading). */
export function isCodeRelevantChange(
  change: { subscriptionType: string; changes?: { property: string }[] | undefined },
  codeProperty: string,
): boolean {
  const type = change.subscriptionType;
  if (type.endsWith(".creation") || type.endsWith(".merge") || type.endsWith(".restore")) return true;
  if (!type.endsWith(".propertyChange")) return false;
  // Without the changed property's name we cannot tell; re-reading is the safe choice.
  if (!change.changes || change.changes.length === 0) return true;
  return change.changes.some((c) => c.property === codeProperty);
}

/** The contact's code and OpenID as HubSpot has them now; null when the contact no longer exists. */
export async function readContactCode(contactId: string): Promise<TContactCode | null> {
  const { hubspotCodeProperty, hubspotOpenidProperty } = await readIdentitySettings();
  try {
    const contact = await hubspotCall("default", (c) =>
      c.crm.contacts.basicApi.getById(contactId, [hubspotCodeProperty, hubspotOpenidProperty]),
    );
    return {
      // A merged-away id resolves to the surviving contact; link that one.
      contactId: contact.id,
      code: contact.properties[hubspotCodeProperty] ?? null,
      openid: contact.properties[hubspotOpenidProperty] ?? null,
    };
  } catch (error) {
    if (error instanceof ProviderRejectedError && error.status === 404) return null;
    throw error;
  }
}

export interface TContactMatch {
  contactId: string;
  match: TMatchResult;
  writeBack: TWriteBackResult | null;
}

/** Decides the contact's code and, when it links, writes the OpenID back. Idempotent. */
export async function matchContactCode(
  contact: TContactCode,
  sinceMs?: number,
): Promise<TContactMatch | null> {
  if (!contact.code) return null;
  const match = await matchSubmission({
    system: "HUBSPOT",
    recordId: contact.contactId,
    rawInput: contact.code,
  });
  let writeBack: TWriteBackResult | null = null;
  if (isLinkedOutcome(match.outcome) && match.openid) {
    writeBack = await writeBackOpenid({
      system: "HUBSPOT",
      recordId: contact.contactId,
      openid: match.openid,
      current: contact.openid,
      sinceMs,
    });
  }
  return { contactId: contact.contactId, match, writeBack };
}

export interface TContactPage {
  contacts: TContactCode[];
  /** Highest contact id on the page: the keyset cursor for the next page; null at the end. */
  nextAfterId: string | null;
}

/**
 * Contacts carrying a code, in id order: modified at or after `modifiedSinceMs` (catch-up), and/or
 * without an OpenID yet (`unmatchedOnly`, the nightly rescan). Paged by id (`afterId`), not by
 * offset: our own write-backs change `lastmodifieddate` and drop linked contacts out of the
 * unmatched set, which would make offset paging skip records; ids never move. It also avoids
 * search's 10,000-result window.
 */
export async function searchContactsWithCode(opts: {
  modifiedSinceMs?: number;
  unmatchedOnly?: boolean;
  afterId?: string | null;
  limit?: number;
}): Promise<TContactPage> {
  const { hubspotCodeProperty, hubspotOpenidProperty } = await readIdentitySettings();
  // Searching on a property the portal lacks is a 400; make sure both exist first (cached).
  await ensureContactProperty(hubspotCodeProperty, "code");
  await ensureContactProperty(hubspotOpenidProperty, "openid");
  const limit = opts.limit ?? 100;
  const filters = [
    { propertyName: hubspotCodeProperty, operator: "HAS_PROPERTY" },
    ...(opts.modifiedSinceMs === undefined
      ? []
      : [{ propertyName: "lastmodifieddate", operator: "GTE", value: String(opts.modifiedSinceMs) }]),
    ...(opts.unmatchedOnly ? [{ propertyName: hubspotOpenidProperty, operator: "NOT_HAS_PROPERTY" }] : []),
    ...(opts.afterId ? [{ propertyName: "hs_object_id", operator: "GT", value: opts.afterId }] : []),
  ];
  const res = await hubspotCall("search", (c) =>
    c.crm.contacts.searchApi.doSearch({
      filterGroups: [{ filters: filters as never }],
      sorts: [{ propertyName: "hs_object_id", direction: "ASCENDING" }] as never,
      properties: [hubspotCodeProperty, hubspotOpenidProperty],
      limit,
    }),
  );
  const contacts = res.results.map((r) => ({
    contactId: r.id,
    code: r.properties[hubspotCodeProperty] ?? null,
    openid: r.properties[hubspotOpenidProperty] ?? null,
  }));
  const last = contacts.at(-1);
  return { contacts, nextAfterId: contacts.length === limit && last ? last.contactId : null };
}
