/**
 * Echo hashing (pure): what RevBridge wrote is remembered as a hash of the canonical field values;
 * a later read whose values hash the same for those fields is our own write coming back.
 */
import { createHash } from "node:crypto";
import type { TCanonical } from "@/lib/sync/mapping";

/** sha256 of the sorted `key=value` pairs (null as an empty marker distinct from ""). */
export function fieldHash(values: TCanonical, keys: readonly string[]): string {
  const pairs = [...new Set(keys)]
    .sort()
    .map((k) => `${k}=${values[k] === null || values[k] === undefined ? "\u0000" : values[k]}`);
  return createHash("sha256").update(pairs.join("\n")).digest("hex");
}

export interface TLedgerEntry {
  fieldHash: string;
  fields: string[];
  writtenAt: Date;
}

export type TEchoVerdict = "echo" | "near_miss" | "none";

/**
 * Compares the current state of an object with our recent writes to it (newest first):
 * - `echo`: some write's fields hash the same now → the change we are looking at is our own write;
 * - `near_miss`: we wrote it recently but the values differ now → someone changed it after us (a real
 *   change that raced our write: counted, then synced like any other);
 * - `none`: no recent write.
 */
export function echoVerdict(current: TCanonical, recent: readonly TLedgerEntry[]): TEchoVerdict {
  if (recent.length === 0) return "none";
  return recent.some((w) => fieldHash(current, w.fields) === w.fieldHash) ? "echo" : "near_miss";
}

/** Stripe: our own API requests carry an Idempotency-Key with this prefix; the event names it. */
export const STRIPE_IDEMPOTENCY_PREFIX = "revbridge:";

export function isOwnStripeRequest(request: { idempotency_key?: string | null } | null | undefined): boolean {
  return Boolean(request?.idempotency_key?.startsWith(STRIPE_IDEMPOTENCY_PREFIX));
}

/**
 * Stripe events the webhook dispatcher drops as echoes before any sync function runs: a customer
 * creation or update made by our own request (our Idempotency-Key). The key is provenance, not a
 * likeness of values, so a real edit that happens to set the values we wrote (a person, Checkout,
 * another integration) is never taken for ours; Stripe emits one event per request. A deletion is
 * applied whoever made it (the mapping must learn of it), so it is never dropped here.
 */
export function isOwnStripeCustomerChange(
  type: string,
  request: { idempotency_key?: string | null } | null | undefined,
): boolean {
  return (type === "customer.created" || type === "customer.updated") && isOwnStripeRequest(request);
}

/** Stripe: an API request (it has an id) that is not ours — a person or another integration. */
export function isForeignStripeRequest(
  request: { id?: string | null; idempotency_key?: string | null } | null | undefined,
): boolean {
  return Boolean(request?.id) && !isOwnStripeRequest(request);
}

/**
 * The ledger verdict given what the event says about who made the change. The ledger only hashes the
 * fields we wrote, so a change to other fields made after our write still "matches" it: when the
 * provider names someone else as the author, the change is real (a near-miss), never an echo.
 */
export function verdictWithProvenance(verdict: TEchoVerdict, foreign: boolean): TEchoVerdict {
  return foreign && verdict === "echo" ? "near_miss" : verdict;
}

/**
 * Whether our last write to the target may stand for what the target holds now (the "already holds
 * these values" shortcut): only if nothing was synced from the target since that write. A change made
 * on the target after our write (e.g. a `newest` field edited there) makes the ledger stale.
 */
export function ledgerDescribesTarget(lastWriteAt: Date, lastSyncFromTargetAt: Date | null): boolean {
  return !lastSyncFromTargetAt || lastSyncFromTargetAt.getTime() < lastWriteAt.getTime();
}

/**
 * The "target already holds these values" shortcut: our last write to the target covered exactly
 * these fields with these values, and the ledger still describes the target (see above).
 */
export function targetHoldsValues(
  last: TLedgerEntry | undefined,
  lastSyncFromTargetAt: Date | null,
  keys: readonly string[],
  hash: string,
): boolean {
  return (
    last !== undefined &&
    ledgerDescribesTarget(last.writtenAt, lastSyncFromTargetAt) &&
    last.fields.join() === [...keys].sort().join() &&
    last.fieldHash === hash
  );
}

/** HubSpot: API writes are reported as INTEGRATION with the writing app's id as sourceId. */
export function isOwnHubspotChange(
  changeSource: string | undefined,
  sourceId: string | undefined,
  ourAppId: string | undefined,
): boolean {
  return changeSource === "INTEGRATION" && ourAppId !== undefined && sourceId === ourAppId;
}

/** HubSpot: the webhook names a source (CRM_UI, IMPORT, another app…) that is not our app. */
export function isForeignHubspotChange(
  changeSource: string | undefined,
  sourceId: string | undefined,
  ourAppId: string | undefined,
): boolean {
  return Boolean(changeSource) && !isOwnHubspotChange(changeSource, sourceId, ourAppId);
}
