import "server-only";
import { db } from "@/lib/db";
import { hubspotContactChanged, stripeObjectChanged } from "@/inngest/events";
import { HANDLED_HUBSPOT_EVENTS } from "@/lib/connectors/hubspot/webhook";
import { HANDLED_STRIPE_EVENTS } from "@/lib/connectors/stripe/webhook";
import { isOwnStripeCustomerChange } from "@/lib/sync/echo";
import { logSync, pairEntry, type TSyncLogEntry } from "@/lib/sync/sync-log";

/**
 * The webhook dispatcher's decisions (pure apart from reading the inbox): inbox rows in, domain
 * events out. HubSpot rows of one contact from one source in the same batch are folded into one
 * `hubspot.contact.changed` (a creation arrives with a propertyChange per initial value: five
 * events for one contact), so subscribers see one change with all its properties.
 *
 * Stripe customer events made by RevBridge's own requests (the customers it creates for HubSpot
 * contacts: one per contact in a seed burst) are recognised here and dropped as echoes, so they never
 * become function runs that the few real Stripe changes would queue behind (lib/sync/echo.ts).
 */

export interface TDomainEvent {
  id: string;
  name: string;
  data: Record<string, unknown>;
}

export interface TDispatchPlan {
  events: TDomainEvent[];
  processed: string[];
  ignored: { id: string; reason: string }[];
  /** Echoes among `ignored`: logged as `skipped_echo` so the Sync page counts them as before. */
  echoes: TSyncLogEntry[];
}

interface TRow {
  id: string;
  provider: string;
  type: string;
  dedupeKey: string;
  payload: unknown;
}

type TObj = Record<string, unknown>;
/** Webhook fields are strings or numbers; anything else (objects) is treated as absent. */
const str = (v: unknown): string | undefined =>
  typeof v === "string" || typeof v === "number" || typeof v === "bigint" || typeof v === "boolean"
    ? String(v)
    : undefined;

function hubspotEvents(rows: TRow[], plan: TDispatchPlan): void {
  const groups = new Map<string, { rows: TRow[]; payloads: TObj[] }>();
  for (const row of rows) {
    const p = row.payload as TObj;
    if (row.type === "contact.merge" || row.type === "contact.deletion") {
      const primary = str(p.newObjectId) ?? str(p.primaryObjectId) ?? String(p.objectId);
      const merged = Array.isArray(p.mergedObjectIds) ? p.mergedObjectIds.map(String) : [];
      if (row.type === "contact.merge" && str(p.primaryObjectId) && str(p.primaryObjectId) !== primary) {
        merged.push(String(p.primaryObjectId));
      }
      plan.events.push({
        id: `hubspot-contact:${row.id}`,
        name: hubspotContactChanged.name,
        data: {
          contactId: row.type === "contact.merge" ? primary : String(p.objectId),
          occurredAt: Number(p.occurredAt),
          subscriptionType: row.type,
          ...(row.type === "contact.merge" ? { mergedIds: merged.filter((m) => m !== primary) } : {}),
          ...(str(p.changeSource) ? { changeSource: str(p.changeSource) } : {}),
          ...(str(p.sourceId) ? { sourceId: str(p.sourceId) } : {}),
          webhookEventId: row.id,
        },
      });
      plan.processed.push(row.id);
      continue;
    }
    const key = `${String(p.objectId)}|${str(p.changeSource) ?? ""}|${str(p.sourceId) ?? ""}`;
    const g = groups.get(key) ?? { rows: [], payloads: [] };
    g.rows.push(row);
    g.payloads.push(p);
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    const first = g.payloads[0]!;
    const changes = g.payloads
      .filter((p) => typeof p.propertyName === "string")
      .map((p) => ({ property: String(p.propertyName), value: str(p.propertyValue) ?? null }));
    plan.events.push({
      id: `hubspot-contact:${g.rows[0]!.id}`,
      name: hubspotContactChanged.name,
      data: {
        contactId: String(first.objectId),
        occurredAt: Math.max(...g.payloads.map((p) => Number(p.occurredAt))),
        subscriptionType: g.rows.some((r) => r.type === "contact.creation")
          ? "contact.creation"
          : g.rows.some((r) => r.type === "contact.restore")
            ? "contact.restore"
            : "contact.propertyChange",
        ...(changes.length ? { changes } : {}),
        ...(str(first.changeSource) ? { changeSource: str(first.changeSource) } : {}),
        ...(str(first.sourceId) ? { sourceId: str(first.sourceId) } : {}),
        webhookEventId: g.rows[0]!.id,
      },
    });
    plan.processed.push(...g.rows.map((r) => r.id));
  }
}

export const STRIPE_ECHO_REASON = "echo: made by RevBridge's own Stripe request";

/**
 * The SyncLog entry of a Stripe event made by RevBridge's own request (an echo), or undefined when the
 * event is someone else's. Used on arrival (lib/inbox/receive.ts: the row is stored IGNORED and never
 * becomes an Inngest event) and here, for rows that reach the dispatcher another way (sweeper, replay).
 */
export function stripeEchoEntry(
  row: Pick<TRow, "id" | "type" | "payload">,
  where: string,
): TSyncLogEntry | undefined {
  const p = row.payload as TObj;
  const object = (p.data as TObj | undefined)?.object as TObj | undefined;
  const objectId = str(object?.id);
  if (
    !objectId ||
    !isOwnStripeCustomerChange(row.type, p.request as { idempotency_key?: string } | undefined)
  )
    return undefined;
  const metadata = object?.metadata as TObj | undefined;
  return {
    ...pairEntry("stripe_to_hubspot", objectId, str(metadata?.hubspot_contact_id), row.id),
    outcome: "skipped_echo",
    message: `${row.type} made by RevBridge's own Stripe request (dropped ${where})`,
  };
}

function stripeEvent(row: TRow, plan: TDispatchPlan): TDomainEvent | undefined {
  const p = row.payload as TObj;
  const object = (p.data as TObj | undefined)?.object as TObj | undefined;
  const objectId = str(object?.id);
  if (!objectId) return undefined;
  const echo = stripeEchoEntry(row, "by the webhook dispatcher");
  if (echo) {
    plan.echoes.push(echo);
    return undefined;
  }
  return {
    id: `stripe-object:${row.dedupeKey}`,
    name: stripeObjectChanged.name,
    data: {
      stripeEventId: row.dedupeKey,
      type: row.type,
      objectId,
      created: Number(p.created),
      webhookEventId: row.id,
    },
  };
}

/** The event id a Stripe event gets as a domain event: the catch-up cron uses the same, so repeats dedupe. */
export function stripeDomainEventId(stripeEventId: string): string {
  return `stripe-object:${stripeEventId}`;
}

export function planDispatch(rows: TRow[]): TDispatchPlan {
  const plan: TDispatchPlan = { events: [], processed: [], ignored: [], echoes: [] };
  const hubspotRows: TRow[] = [];
  for (const row of rows) {
    if (
      row.provider === "HUBSPOT" &&
      HANDLED_HUBSPOT_EVENTS.has(row.type) &&
      row.type.startsWith("contact.")
    ) {
      hubspotRows.push(row);
    } else if (row.provider === "STRIPE" && HANDLED_STRIPE_EVENTS.has(row.type)) {
      const echoes = plan.echoes.length;
      const ev = stripeEvent(row, plan);
      if (ev) {
        plan.events.push(ev);
        plan.processed.push(row.id);
      } else if (plan.echoes.length > echoes) plan.ignored.push({ id: row.id, reason: STRIPE_ECHO_REASON });
      else plan.ignored.push({ id: row.id, reason: "Stripe event without data.object.id" });
    } else {
      plan.ignored.push({ id: row.id, reason: `no sync handler for ${row.provider} ${row.type}` });
    }
  }
  hubspotEvents(hubspotRows, plan);
  return plan;
}

/** Inbox rows still waiting (a row already PROCESSED/IGNORED by an earlier run is not dispatched twice). */
export async function loadPendingRows(ids: string[]): Promise<TRow[]> {
  return db().webhookEvent.findMany({
    where: { id: { in: ids }, status: { in: ["RECEIVED", "HANDED_OFF", "FAILED"] } },
    orderBy: { receivedAt: "asc" },
    select: { id: true, provider: true, type: true, dedupeKey: true, payload: true },
  });
}

/** Waiting for a pooled connection behind a burst beats failing after Prisma's default 2 s and retrying the run. */
const DISPATCH_TX = { maxWait: 15_000, timeout: 30_000 };

/**
 * Marks the rows done, with the echoes' SyncLog entries in the same transaction (a retried dispatch
 * finds the rows no longer pending and logs nothing twice). Ignored rows keep the reason in `error`
 * for the console; one statement per distinct reason (a batch of echoes is one UPDATE).
 */
export async function markDispatched(
  plan: Pick<TDispatchPlan, "processed" | "ignored" | "echoes">,
): Promise<void> {
  const now = new Date();
  const byReason = new Map<string, string[]>();
  for (const i of plan.ignored) byReason.set(i.reason, [...(byReason.get(i.reason) ?? []), i.id]);
  await db().$transaction(async (tx) => {
    if (plan.processed.length)
      await tx.webhookEvent.updateMany({
        where: { id: { in: plan.processed } },
        data: { status: "PROCESSED", processedAt: now, error: null },
      });
    for (const [reason, ids] of byReason)
      await tx.webhookEvent.updateMany({
        where: { id: { in: ids } },
        data: { status: "IGNORED", processedAt: now, error: reason },
      });
    await logSync(plan.echoes, tx);
  }, DISPATCH_TX);
}
