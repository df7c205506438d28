import "server-only";
import { hubspotCall } from "@/lib/connectors/hubspot/client";
import { ProviderRejectedError } from "@/lib/connectors/errors";

/**
 * HubSpot contact calls the sync engine makes, all through hubspotCall (governor + error classes).
 * Batch calls carry `objectWriteTraceId` so a 207 names exactly which inputs failed.
 */

export interface TContact {
  id: string;
  properties: Record<string, string | null>;
  /** lastmodifieddate, epoch ms. */
  updatedAtMs: number;
  /** Newest first, for the properties asked `withHistory` (who set each value, and when). */
  history?: Record<string, THistoryEntry[]>;
}

export interface THistoryEntry {
  value: string;
  timestampMs: number;
  sourceType: string;
  sourceId?: string;
}

type TRawHistory = { value: string; timestamp: Date | string; sourceType: string; sourceId?: string }[];

function toContact(r: {
  id: string;
  properties: Record<string, string | null>;
  updatedAt?: Date;
  propertiesWithHistory?: Record<string, TRawHistory>;
}): TContact {
  const lm = r.properties.lastmodifieddate;
  const updatedAtMs = lm ? Date.parse(lm) : (r.updatedAt?.getTime() ?? Date.now());
  const contact: TContact = {
    id: r.id,
    properties: r.properties,
    updatedAtMs: Number.isNaN(updatedAtMs) ? Date.now() : updatedAtMs,
  };
  if (r.propertiesWithHistory) {
    contact.history = {};
    for (const [name, entries] of Object.entries(r.propertiesWithHistory))
      contact.history[name] = entries
        .map((e) => ({
          value: e.value,
          timestampMs: new Date(e.timestamp).getTime(),
          sourceType: e.sourceType,
          ...(e.sourceId ? { sourceId: e.sourceId } : {}),
        }))
        .sort((a, b) => b.timestampMs - a.timestampMs);
  }
  return contact;
}

/** HubSpot refuses batch reads with `propertiesWithHistory` of more than 50 records. */
const MAX_HISTORY_INPUTS = 50;

/**
 * Batch read (≤ 100 ids; 50 per call when `withHistory` names properties). Ids HubSpot does not know
 * are simply absent; merged-away ids come back as their primary.
 */
export async function readContacts(
  ids: string[],
  properties: string[],
  withHistory: string[] = [],
): Promise<{ found: TContact[]; missing: string[] }> {
  if (ids.length === 0) return { found: [], missing: [] };
  const size = withHistory.length ? MAX_HISTORY_INPUTS : ids.length;
  const found: TContact[] = [];
  const missing: string[] = [];
  for (let i = 0; i < ids.length; i += size) {
    const res = await hubspotCall("default", (c) =>
      c.crm.contacts.batchApi.read({
        inputs: ids.slice(i, i + size).map((id) => ({ id })),
        properties: [...properties, "lastmodifieddate", "hs_merged_object_ids"],
        propertiesWithHistory: withHistory,
      }),
    );
    found.push(...res.results.map(toContact));
    for (const e of ("errors" in res ? res.errors : undefined) ?? []) {
      for (const id of (e.context as Record<string, string[]> | undefined)?.ids ?? []) missing.push(id);
    }
  }
  return { found, missing };
}

export interface TContactWrite {
  /** Our correlation id (the Stripe customer id): HubSpot echoes it in 207 errors. */
  traceId: string;
  /** Update this contact id; without it, upsert by email. */
  contactId?: string;
  email?: string | null;
  properties: Record<string, string>;
}

export interface TContactWriteResult {
  written: Map<string, { contactId: string; created: boolean }>;
  failed: Map<string, string>;
}

interface TBatchError {
  message: string;
  context?: Record<string, string[]>;
}

function collectErrors(res: object, into: Map<string, string>): void {
  const errors = ("errors" in res ? (res.errors as TBatchError[] | undefined) : undefined) ?? [];
  for (const e of errors) for (const t of e.context?.objectWriteTraceId ?? []) into.set(t, e.message);
}

/**
 * Writes up to 100 contacts in at most two calls (batch update by id, batch upsert by email). A 207
 * leaves good inputs written and reports the rest in `failed` by trace id.
 */
export async function writeContacts(inputs: TContactWrite[]): Promise<TContactWriteResult> {
  const written = new Map<string, { contactId: string; created: boolean }>();
  const failed = new Map<string, string>();
  const updates = inputs.filter((i) => i.contactId);
  const upserts = inputs.filter((i) => !i.contactId && i.email);
  if (updates.length) {
    const res = await hubspotCall("default", (c) =>
      c.crm.contacts.batchApi.update({
        inputs: updates.map((u) => ({
          id: u.contactId!,
          properties: u.properties,
          objectWriteTraceId: u.traceId,
        })),
      }),
    );
    const byId = new Map(updates.map((u) => [u.contactId!, u.traceId]));
    for (const r of res.results) {
      const t = byId.get(r.id);
      if (t) written.set(t, { contactId: r.id, created: false });
    }
    collectErrors(res, failed);
  }
  if (upserts.length) {
    const res = await hubspotCall("default", (c) =>
      c.crm.contacts.batchApi.upsert({
        inputs: upserts.map((u) => ({
          idProperty: "email",
          id: u.email!.toLowerCase(),
          properties: u.properties,
          objectWriteTraceId: u.traceId,
        })),
      }),
    );
    const byEmail = new Map(upserts.map((u) => [u.email!.toLowerCase(), u.traceId]));
    for (const r of res.results) {
      const t = byEmail.get(String(r.properties.email ?? "").toLowerCase());
      if (t) written.set(t, { contactId: r.id, created: Boolean(r._new) });
    }
    collectErrors(res, failed);
  }
  // Inputs neither written nor reported (e.g. no email to upsert by) are failures too.
  for (const i of inputs) {
    if (!written.has(i.traceId) && !failed.has(i.traceId)) {
      failed.set(
        i.traceId,
        i.contactId || i.email ? "not in HubSpot's answer" : "no email to upsert the contact by",
      );
    }
  }
  return { written, failed };
}

/** Contacts modified since `sinceMs` (search bucket, 4/s), newest state only, up to `max`. */
export async function searchContactsModifiedSince(
  sinceMs: number,
  properties: string[],
  max = 2000,
): Promise<TContact[]> {
  const out: TContact[] = [];
  let after: string | undefined;
  do {
    const res = await hubspotCall("search", (c) =>
      c.crm.contacts.searchApi.doSearch({
        filterGroups: [
          { filters: [{ propertyName: "lastmodifieddate", operator: "GTE", value: String(sinceMs) }] },
        ],
        properties: [...properties, "lastmodifieddate"],
        sorts: ["lastmodifieddate"],
        limit: 100,
        ...(after ? { after } : {}),
      } as Parameters<typeof c.crm.contacts.searchApi.doSearch>[0]),
    );
    out.push(...res.results.map(toContact));
    after = res.paging?.next?.after;
  } while (after && out.length < max);
  return out;
}

/** One page of contacts for the backfill: all, or only some lifecycle stages (search). */
export async function contactsPage(
  properties: string[],
  after: string | undefined,
  lifecycleStages?: string[],
): Promise<{ contacts: TContact[]; next?: string }> {
  if (lifecycleStages?.length) {
    const res = await hubspotCall("search", (c) =>
      c.crm.contacts.searchApi.doSearch({
        filterGroups: [
          { filters: [{ propertyName: "lifecyclestage", operator: "IN", values: lifecycleStages }] },
        ],
        properties: [...properties, "lastmodifieddate"],
        sorts: ["hs_object_id"],
        limit: 100,
        ...(after ? { after } : {}),
      } as Parameters<typeof c.crm.contacts.searchApi.doSearch>[0]),
    );
    return { contacts: res.results.map(toContact), next: res.paging?.next?.after };
  }
  const res = await hubspotCall("default", (c) =>
    c.crm.contacts.basicApi.getPage(100, after, [...properties, "lastmodifieddate"]),
  );
  return { contacts: res.results.map(toContact), next: res.paging?.next?.after };
}

export async function archiveContact(contactId: string): Promise<void> {
  await hubspotCall("default", (c) => c.crm.contacts.basicApi.archive(contactId));
}

/**
 * Each property's check (or creation), once per process: the promise is shared, so the concurrent
 * batches of a burst wait for one check instead of each making their own, and a batch checks its
 * properties in parallel. (Checked one after another by each batch until the first finished, the first
 * Stripe → HubSpot batches of a burst spent up to 5 s here.) A failed check is forgotten and retried.
 */
const ensuring = new Map<string, Promise<void>>();

async function ensureContactProperty(d: {
  name: string;
  label: string;
  type: "string" | "number" | "datetime";
}): Promise<void> {
  try {
    await hubspotCall("default", (c) => c.crm.properties.coreApi.getByName("contacts", d.name));
  } catch (error) {
    if (!(error instanceof ProviderRejectedError) || error.status !== 404) throw error;
    try {
      await hubspotCall("default", (c) =>
        c.crm.properties.coreApi.create("contacts", {
          name: d.name,
          label: d.label,
          type: d.type as never,
          fieldType: (d.type === "number" ? "number" : d.type === "datetime" ? "date" : "text") as never,
          groupName: "contactinformation",
        }),
      );
    } catch (err) {
      if (!(err instanceof ProviderRejectedError) || err.status !== 409) throw err;
    }
  }
}

/** Creates the custom contact properties RevBridge writes, once per process (409 = already there). */
export async function ensureContactProperties(
  defs: { name: string; label: string; type: "string" | "number" | "datetime" }[],
): Promise<void> {
  await Promise.all(
    defs.map((d) => {
      let check = ensuring.get(d.name);
      if (!check) {
        check = ensureContactProperty(d).catch((error: unknown) => {
          ensuring.delete(d.name);
          throw error;
        });
        ensuring.set(d.name, check);
      }
      return check;
    }),
  );
}

/** Makes sure every contact property a mapping writes exists (built-ins are found; custom ones are created as text). */
export async function ensureMappedProperties(names: string[]): Promise<void> {
  await ensureContactProperties(names.map((name) => ({ name, label: name, type: "string" as const })));
}
