/**
 * The echo bench's edits and its final check (pure, seeded): random edits a salesperson (HubSpot) or
 * a billing clerk (Stripe) would make, only to fields their side may change under the field mapping's
 * ownership, and the comparison of both sides afterwards in canonical form (lib/sync/mapping.ts).
 */
import { createSeededRandom } from "@/sandbox/core/faults";
import {
  fromHubspot,
  fromStripe,
  toHubspotProperties,
  toStripeParams,
  type TCanonical,
  type TMapping,
  type TStripeCustomerLike,
} from "@/lib/sync/mapping";

export type TSide = "hubspot" | "stripe";

export interface TEdit {
  side: TSide;
  pair: number;
  /** Rule key (lib/sync/mapping.ts) and its new canonical value. */
  key: string;
  value: string;
  /** When the edit was accepted by the sandbox (set by the driver). */
  at?: number;
}

/**
 * Keys each side may edit: what it owns plus `newest` fields. Email is left alone: it is the
 * identity HubSpot upserts by, and changing it is a different scenario (merges), not an echo test.
 */
export function editableKeys(mapping: TMapping, side: TSide): string[] {
  return mapping.fields
    .filter((r) => r.key !== "email" && (r.owner === side || r.owner === "newest"))
    .map((r) => r.key);
}

const COUNTRIES = ["US", "CA", "GB", "DE", "FR", "NL", "AU"];
const FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Frances", "Donald"];
const LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Allen", "Knuth"];

/** A fresh canonical value for `key` (phones are valid US numbers in E.164, as the mapping stores them). */
function valueFor(key: string, rand: () => number, n: number): string {
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)]!;
  switch (key) {
    case "name":
      return `${pick(FIRST)} ${pick(LAST)}${n}`;
    case "phone":
      return `+1415555${String(100 + Math.floor(rand() * 100)).padStart(4, "0")}`;
    case "country":
      return pick(COUNTRIES);
    case "state":
      return `S${n % 50}`;
    case "postal_code":
      return String(10_000 + Math.floor(rand() * 89_999));
    default:
      return `${key.replace(/_/g, " ")} ${n}`;
  }
}

export function generateEdits(opts: {
  mapping: TMapping;
  edits: number;
  pairs: number;
  seed: number;
}): TEdit[] {
  const rand = createSeededRandom(opts.seed);
  const keys = {
    hubspot: editableKeys(opts.mapping, "hubspot"),
    stripe: editableKeys(opts.mapping, "stripe"),
  };
  return Array.from({ length: opts.edits }, (_, n) => {
    const side: TSide = rand() < 0.5 ? "hubspot" : "stripe";
    const key = keys[side][Math.floor(rand() * keys[side].length)]!;
    return { side, pair: Math.floor(rand() * opts.pairs), key, value: valueFor(key, rand, n) };
  });
}

/** The edit as the sandbox request body: HubSpot contact properties or Stripe customer params. */
export const hubspotEditBody = (e: TEdit, mapping: TMapping) =>
  toHubspotProperties({ [e.key]: e.value }, [e.key], mapping);
/**
 * Stripe replaces the whole `address` hash on update, so an address edit sends the customer's full
 * address with one field changed (as the Dashboard does); `address` is the pair's current one.
 */
export function stripeEditParams(e: TEdit, mapping: TMapping, address: Record<string, string>) {
  const params = toStripeParams({ [e.key]: e.value }, [e.key], mapping);
  if (params.address) {
    Object.assign(address, params.address);
    params.address = { ...address };
  }
  return params;
}

export interface TPairState {
  pair: number;
  hubspot: Record<string, string | null | undefined>;
  stripe: TStripeCustomerLike;
}

export interface TFinalCheck {
  fieldsCompared: number;
  /** Fields whose canonical values differ between the two sides. */
  unequal: { pair: number; key: string; hubspot: string | null; stripe: string | null }[];
  /**
   * Fields whose final value is not the last edit made to them on a side allowed to change them
   * (the owner's, or either side's for `newest` fields).
   */
  lastEditLost: { pair: number; key: string; expected: string; found: string | null }[];
}

/** Compares both sides of every pair field by field, and each edited field with its last edit. */
export function checkFinalStates(states: TPairState[], edits: TEdit[], mapping: TMapping): TFinalCheck {
  const last = new Map<string, TEdit>();
  for (const e of [...edits].sort((a, b) => (a.at ?? 0) - (b.at ?? 0))) last.set(`${e.pair}:${e.key}`, e);
  const out: TFinalCheck = { fieldsCompared: 0, unequal: [], lastEditLost: [] };
  for (const s of states) {
    const h: TCanonical = fromHubspot(s.hubspot, mapping);
    const st: TCanonical = fromStripe(s.stripe, mapping);
    for (const rule of mapping.fields) {
      out.fieldsCompared++;
      const hv = h[rule.key] ?? null;
      const sv = st[rule.key] ?? null;
      if (hv !== sv) out.unequal.push({ pair: s.pair, key: rule.key, hubspot: hv, stripe: sv });
      const e = last.get(`${s.pair}:${rule.key}`);
      const found = rule.owner === "stripe" ? sv : hv;
      if (e && found !== e.value)
        out.lastEditLost.push({ pair: s.pair, key: rule.key, expected: e.value, found });
    }
  }
  return out;
}
