/**
 * Turns an accepted event and the mapping into exactly what will be sent to HubSpot: the contact
 * upsert (key and properties) and the timeline entry. The dry run records this plan; the live send
 * executes it. Pure, so the same plan is what tests, dry run and live all see.
 */
import { createHash } from "node:crypto";
import type { TEventType } from "@/lib/events/catalogue";
import { mappingFor, type TEventMapping, type TValueSource } from "@/lib/events/mapping";

export interface TPlanInput {
  eventId: string;
  type: TEventType;
  occurredAt: Date;
  email: string | null;
  externalId: string | null;
  properties: Record<string, unknown>;
}

export type TTimelinePlan =
  | { kind: "event"; eventName: string; occurredAt: string; uuid: string; properties: Record<string, string> }
  | { kind: "note"; timestamp: string; body: string }
  | { kind: "none" };

export interface TSendPlan {
  contact: { idProperty: string; id: string; properties: Record<string, string> };
  timeline: TTimelinePlan;
}

/** HubSpot takes every property value as a string; dates as ISO 8601. */
function toHubspotValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function resolve(source: TValueSource, input: TPlanInput): string | undefined {
  if ("value" in source) return source.value;
  const f = source.field;
  if (f === "id") return input.eventId;
  if (f === "type") return input.type;
  if (f === "occurredAt") return input.occurredAt.toISOString();
  if (f === "email") return toHubspotValue(input.email);
  if (f === "externalId") return toHubspotValue(input.externalId);
  return toHubspotValue(input.properties[f.slice("properties.".length)]);
}

/** A stable UUID from the app's event id: HubSpot deduplicates behavioral events on it. */
export function eventUuid(eventId: string): string {
  const h = createHash("sha256").update(`revbridge:${eventId}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function planSend(input: TPlanInput, mapping: TEventMapping): TSendPlan {
  const tm = mappingFor(mapping, input.type);
  const properties: Record<string, string> = {};
  for (const [prop, source] of Object.entries(tm.properties)) {
    const v = resolve(source, input);
    // A missing optional field leaves the HubSpot property alone rather than clearing it.
    if (v !== undefined) properties[prop] = v;
  }
  // Email is HubSpot's natural key; the external-id property links records without one.
  const byEmail = input.email !== null;
  if (input.externalId !== null && byEmail) properties[mapping.externalIdProperty] = input.externalId;
  const contact = byEmail
    ? { idProperty: "email", id: input.email!, properties }
    : { idProperty: mapping.externalIdProperty, id: input.externalId!, properties };

  const occurredAt = input.occurredAt.toISOString();
  const scalarProps: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.properties)) {
    const s = toHubspotValue(v);
    if (s !== undefined) scalarProps[k] = s;
  }
  let timeline: TTimelinePlan;
  if (tm.timeline === "event" && tm.eventName) {
    timeline = {
      kind: "event",
      eventName: tm.eventName,
      occurredAt,
      uuid: eventUuid(input.eventId),
      properties: scalarProps,
    };
  } else if (tm.timeline === "none") {
    timeline = { kind: "none" };
  } else {
    timeline = { kind: "note", timestamp: occurredAt, body: noteBody(input.type, occurredAt, scalarProps) };
  }
  return { contact, timeline };
}

/** The note used when there is no custom event (or the portal cannot take custom events). */
export function noteBody(type: string, occurredAt: string, props: Record<string, string>): string {
  const details = Object.entries(props)
    .map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(v)}`)
    .join(", ");
  return `<p><strong>${escapeHtml(type)}</strong> at ${occurredAt}${details ? ` — ${details}` : ""} (RevBridge lifecycle event)</p>`;
}
