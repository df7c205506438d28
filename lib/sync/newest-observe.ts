/**
 * `newest`-owned fields (pure): what each side's own records say about when a field was last edited
 * and to what, so both directions order edits by the providers' timestamps rather than by when a
 * webhook happened to arrive. HubSpot keeps per-property history (value, timestamp, source); Stripe
 * sends an event per change (`created`, the object after it, and `previous_attributes`).
 */
import { fromHubspot, fromStripe, writableKeys, type TCanonical, type TMapping } from "@/lib/sync/mapping";

export type TSide = "HUBSPOT" | "STRIPE";

export interface TObservation {
  key: string;
  value: string | null;
  /** Provider time of the edit, epoch ms (Stripe: see stripeEditAt). */
  at: number;
  side: TSide;
  /**
   * Not an edit but what the pair already holds (HubSpot's newest entry is RevBridge's own write): it
   * starts the clock of a pair synced before clocks existed, and never replaces one.
   */
  seed?: boolean;
}

/** The newest value RevBridge agreed on for a field of a pair (FieldClock). */
export interface TClock {
  value: string | null;
  at: number;
  side: TSide;
  writtenAt: number | null;
}

export interface THistoryEntryLike {
  value: string;
  timestampMs: number;
  sourceType: string;
  sourceId?: string;
}

export const newestRules = (mapping: TMapping) => mapping.fields.filter((r) => r.owner === "newest");

/** The HubSpot properties whose history the H → S read asks for. */
export const newestHubspotProperties = (mapping: TMapping) => [
  ...new Set(newestRules(mapping).flatMap((r) => r.hubspot)),
];

/**
 * HubSpot: per `newest` field, the newest value someone other than RevBridge set (our own writes are
 * copies of the other side's edits and carry our write time, not the edit's).
 */
export function hubspotObservations(
  properties: Record<string, string | null | undefined>,
  history: Record<string, THistoryEntryLike[]> | undefined,
  mapping: TMapping,
  isOwn: (e: THistoryEntryLike) => boolean,
): TObservation[] {
  const out: TObservation[] = [];
  for (const rule of newestRules(mapping)) {
    const entries = rule.hubspot.map((p) => history?.[p] ?? []);
    const newest = entries.map((list) => list[0]).filter((e): e is THistoryEntryLike => e !== undefined);
    if (newest.length === 0) continue;
    const foreign = entries.map((list) => list.find((e) => !isOwn(e)));
    const foreignAt = Math.max(...foreign.map((e) => e?.timestampMs ?? -Infinity));
    if (newest.every(isOwn)) {
      const ownAt = Math.max(...newest.map((e) => e.timestampMs));
      const value = fromHubspot(properties, { ...mapping, fields: [rule] })[rule.key] ?? null;
      out.push({ key: rule.key, value, at: ownAt, side: "STRIPE", seed: true });
    }
    if (foreignAt === -Infinity) continue;
    // Each property at its newest foreign value (a two-property rule may mix them).
    const props: Record<string, string | null | undefined> = { ...properties };
    rule.hubspot.forEach((p, i) => {
      if (foreign[i]) props[p] = foreign[i].value;
    });
    const value = fromHubspot(props, { ...mapping, fields: [rule] })[rule.key] ?? null;
    out.push({ key: rule.key, value, at: foreignAt, side: "HUBSPOT" });
  }
  return out;
}

export interface TStripeEventView {
  created: number;
  type: string;
  object: Record<string, unknown>;
  previous?: Record<string, unknown> | null;
  /** Made by RevBridge's own request (our Idempotency-Key). */
  own: boolean;
}

function changedIn(e: TStripeEventView, path: string): boolean {
  if (e.type === "customer.created") return true;
  const [top, sub] = path.split(".") as [string, string | undefined];
  if (!e.previous || !(top in e.previous)) return false;
  const before = e.previous[top];
  // `address` was null (or not a hash) before: every part of it changed.
  if (!sub || before === null || typeof before !== "object") return true;
  return sub in before;
}

/**
 * Stripe's `created` counts whole seconds; the edit happened somewhere in that second. Read as its
 * middle, so an edit made on HubSpot in the same second is ordered by the best estimate either way
 * (any fixed rule converges; this one is wrong least often).
 */
export const stripeEditAt = (createdS: number) => createdS * 1000 + 500;

/** Stripe: per `newest` field, the newest event not made by RevBridge that changed it (events in time order). */
export function stripeObservations(events: TStripeEventView[], mapping: TMapping): TObservation[] {
  const out: TObservation[] = [];
  const ordered = [...events].sort((a, b) => a.created - b.created);
  for (const rule of newestRules(mapping)) {
    const last = ordered.filter((e) => !e.own && changedIn(e, rule.stripe)).at(-1);
    if (!last) continue;
    const value = fromStripe(last.object, { ...mapping, fields: [rule] })[rule.key] ?? null;
    out.push({ key: rule.key, value, at: stripeEditAt(last.created), side: "STRIPE" });
  }
  return out;
}

/**
 * The `newest` fields a run from `source` writes to the other side, at the clock's value: a creation
 * or a forced run (resync, replay, repair) writes every one; otherwise only those whose newest edit
 * was made on the source and is not written yet. A field whose newest edit is on the target side is
 * never written from the source — that is what kept two crossing edits from swapping sides.
 */
export function newestToWrite(
  mapping: TMapping,
  clocks: ReadonlyMap<string, TClock> | undefined,
  source: TSide,
  sourceValues: TCanonical,
  opts: { force: boolean; creating: boolean },
): TCanonical {
  const out: TCanonical = {};
  for (const rule of newestRules(mapping)) {
    const c = clocks?.get(rule.key);
    if (opts.force || opts.creating) out[rule.key] = c ? c.value : (sourceValues[rule.key] ?? null);
    else if (c && c.side === source && c.writtenAt === null) out[rule.key] = c.value;
  }
  return out;
}

/** True when a field's newest edit was made on `source` and still has to reach the other side. */
export function hasPendingNewest(clocks: ReadonlyMap<string, TClock> | undefined, source: TSide): boolean {
  return [...(clocks?.values() ?? [])].some((c) => c.side === source && c.writtenAt === null);
}

/** The keys a run writes: the fields its side may write except `newest` ones, plus the `newest` ones decided above. */
export function keysToWrite(
  mapping: TMapping,
  direction: "hubspot_to_stripe" | "stripe_to_hubspot",
  creating: boolean,
  newest: TCanonical,
): string[] {
  const isNewest = new Set(newestRules(mapping).map((r) => r.key));
  return [
    ...writableKeys(mapping, direction, creating).filter((k) => !isNewest.has(k)),
    ...Object.keys(newest),
  ];
}
