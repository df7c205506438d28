import "server-only";
import { AssociationSpecAssociationCategoryEnum } from "@hubspot/api-client/lib/codegen/crm/objects/notes";
import { ProviderRejectedError } from "@/lib/connectors/errors";
import { hubspotCall } from "@/lib/connectors/hubspot/client";
import { db } from "@/lib/db";
import { isEventType } from "@/lib/events/catalogue";
import { checkPlanAgainstPortal } from "@/lib/events/portal-check";
import { contactPropertyDefinitions } from "@/lib/events/portal-properties";
import { noteBody, planSend, type TSendPlan } from "@/lib/events/plan";
import { readEventMapping } from "@/lib/events/settings";
import type { OutboxStatus } from "@/lib/generated/prisma/enums";
import { env } from "@/lib/env";

/**
 * Delivery of one outbox row to HubSpot, in the pieces the `outbox-deliver` function runs as
 * separate steps: plan → (dry run: check and record) | (live: upsert contact → timeline → record).
 */

/** Rows in these states still need work (DEAD too: a dead-letter replay sends the same event again). */
const WORKABLE: OutboxStatus[] = ["PENDING", "FAILED", "DEAD"];

/** HubSpot's default association type id for note → contact. */
const NOTE_TO_CONTACT = 202;

export type TLoaded =
  | { skip: true; reason: string }
  | { skip: false; mode: "dry_run" | "live"; plan: TSendPlan; eventId: string; type: string };

/** Loads the row and plans the send with the mapping as it is now. */
export async function loadAndPlan(outboxEventId: string): Promise<TLoaded> {
  const row = await db().outboxEvent.findUnique({ where: { id: outboxEventId } });
  if (!row) return { skip: true, reason: "no such outbox row" };
  if (!WORKABLE.includes(row.status)) return { skip: true, reason: `already ${row.status}` };
  if (!isEventType(row.type)) return { skip: true, reason: `unknown type ${row.type}` };
  const { mapping } = await readEventMapping();
  const plan = planSend(
    {
      eventId: row.eventId,
      type: row.type,
      occurredAt: row.occurredAt,
      email: row.email,
      externalId: row.externalId,
      properties: (row.properties ?? {}) as Record<string, unknown>,
    },
    mapping,
  );
  return {
    skip: false,
    mode: row.mode === "live" ? "live" : "dry_run",
    plan,
    eventId: row.eventId,
    type: row.type,
  };
}

/**
 * Dry run: check the plan against the portal's properties and record exactly what would be sent.
 * Sends nothing. Without HubSpot credentials the check is skipped and says so.
 */
export async function recordDryRun(outboxEventId: string, plan: TSendPlan): Promise<{ problems: string[] }> {
  let problems: string[];
  let checked = true;
  if (!env().HUBSPOT_ACCESS_TOKEN) {
    problems = [];
    checked = false;
  } else {
    problems = checkPlanAgainstPortal(plan, await contactPropertyDefinitions());
  }
  await db().outboxEvent.update({
    where: { id: outboxEventId },
    data: {
      status: "DRY_RUN",
      attemptCount: { increment: 1 },
      sentPayload: {
        ...plan,
        portalCheck: checked ? { problems } : "skipped: HubSpot is not connected",
      },
      lastError: problems.length > 0 ? `would fail: ${problems.join("; ")}`.slice(0, 2000) : null,
      processedAt: new Date(),
    },
  });
  return { problems };
}

/** Upsert by email (or the external-id property): creates the contact or updates it, one call. */
export async function upsertContact(plan: TSendPlan): Promise<string> {
  const res = await hubspotCall("default", (c) =>
    c.crm.contacts.batchApi.upsert({
      inputs: [
        { idProperty: plan.contact.idProperty, id: plan.contact.id, properties: plan.contact.properties },
      ],
    }),
  );
  const id = res.results[0]?.id;
  if (!id) throw new Error("HubSpot upsert answered without a contact id");
  return id;
}

export type TTimelineOutcome =
  | { kind: "event"; eventName: string }
  | { kind: "note"; noteId: string; fallbackReason?: string }
  | { kind: "none" };

async function createNote(contactId: string, timestamp: string, body: string): Promise<string> {
  const note = await hubspotCall("default", (c) =>
    c.crm.objects.notes.basicApi.create({
      properties: { hs_timestamp: timestamp, hs_note_body: body },
      associations: [
        {
          to: { id: contactId },
          types: [
            {
              associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
              associationTypeId: NOTE_TO_CONTACT,
            },
          ],
        },
      ],
    }),
  );
  return note.id;
}

/**
 * The custom behavioral event (HubSpot deduplicates on its uuid, so a retried step does not double
 * it); when the portal cannot take custom events (403 missing scope, 404 no such definition) a note.
 */
export async function sendTimeline(
  plan: TSendPlan,
  contactId: string,
  eventType: string,
): Promise<TTimelineOutcome> {
  const t = plan.timeline;
  if (t.kind === "none") return { kind: "none" };
  if (t.kind === "note") return { kind: "note", noteId: await createNote(contactId, t.timestamp, t.body) };
  try {
    await hubspotCall("default", (c) =>
      c.events.send.basicApi.send({
        eventName: t.eventName,
        objectId: contactId,
        occurredAt: new Date(t.occurredAt),
        uuid: t.uuid,
        properties: t.properties,
      }),
    );
    return { kind: "event", eventName: t.eventName };
  } catch (error) {
    if (error instanceof ProviderRejectedError && (error.status === 403 || error.status === 404)) {
      const noteId = await createNote(
        contactId,
        t.occurredAt,
        noteBody(eventType, t.occurredAt, t.properties),
      );
      return {
        kind: "note",
        noteId,
        fallbackReason: `custom event refused (${error.status}): ${error.message}`.slice(0, 300),
      };
    }
    throw error;
  }
}

export async function recordSent(
  outboxEventId: string,
  plan: TSendPlan,
  contactId: string,
  timeline: TTimelineOutcome,
): Promise<void> {
  await db().outboxEvent.update({
    where: { id: outboxEventId },
    data: {
      status: "SENT",
      attemptCount: { increment: 1 },
      hubspotContactId: contactId,
      sentPayload: { ...plan, outcome: { contactId, timeline } },
      lastError: null,
      processedAt: new Date(),
    },
  });
}

/** One failed attempt: counted, the reason kept; the row stays workable for the retry. */
export async function recordAttemptFailure(outboxEventId: string, error: unknown): Promise<void> {
  await db().outboxEvent.updateMany({
    where: { id: outboxEventId, status: { in: WORKABLE } },
    data: {
      status: "FAILED",
      attemptCount: { increment: 1 },
      lastError: (error instanceof Error ? error.message : String(error)).slice(0, 2000),
    },
  });
}

/** Retries exhausted (or the event was rejected): the row is DEAD; its dead letter can replay it. */
export async function recordDead(outboxEventId: string, message: string): Promise<void> {
  await db().outboxEvent.updateMany({
    where: { id: outboxEventId, status: { in: WORKABLE } },
    data: { status: "DEAD", lastError: message.slice(0, 2000), processedAt: new Date() },
  });
}
