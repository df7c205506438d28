import { z } from "zod";
import { emptyResponse, jsonResponse, type TRoute, type TStandInResponse } from "../core";
import { createCorrelationId, hubspotError, validationError } from "./errors";
import type { TPortal } from "./portal";
import { parseBody } from "./request-parsing";

const ZEvent = z.object({
  eventName: z.string().min(1),
  objectId: z.union([z.string(), z.number()]).transform(String).optional(),
  email: z.string().optional(),
  utk: z.string().optional(),
  uuid: z.string().optional(),
  occurredAt: z.union([z.string(), z.number()]).optional(),
  properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});
type TEvent = z.infer<typeof ZEvent>;

/** The batch send endpoint takes up to 500 events, more than the CRM batch endpoints. */
const MAX_EVENT_BATCH = 500;

/** What HubSpot answers when the portal's subscription lacks custom behavioral events. */
function missingScopes(): TStandInResponse {
  return jsonResponse(403, {
    status: "error",
    message:
      "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
    correlationId: createCorrelationId(),
    errors: [
      {
        message: "One or more of the following scopes are required.",
        context: { requiredGranularScopes: ["analytics.behavioral_events.send"] },
      },
    ],
    links: { scopes: "https://developers.hubspot.com/scopes" },
    category: "MISSING_SCOPES",
  });
}

/** Checks the portal switch and one event; undefined means it may be recorded. */
function refuse(portal: TPortal, e: TEvent): TStandInResponse | undefined {
  const mode = portal.settings().behavioralEvents;
  if (mode === "forbidden") return missingScopes();
  if (mode === "not_found") {
    return hubspotError(404, "OBJECT_NOT_FOUND", `Event definition not found for eventName ${e.eventName}`, {
      context: { eventName: [e.eventName] },
    });
  }
  if (!e.objectId && !e.email && !e.utk) {
    return validationError("One of objectId, email or utk is required to identify the contact");
  }
  if (e.occurredAt !== undefined && !Number.isFinite(new Date(e.occurredAt).getTime())) {
    return validationError(`occurredAt ${String(e.occurredAt)} is not a valid timestamp`);
  }
  return undefined;
}

function record(portal: TPortal, e: TEvent): void {
  portal.recordBehavioralEvent({
    eventName: e.eventName,
    ...(e.objectId ? { objectId: e.objectId } : {}),
    ...(e.email ? { email: e.email } : {}),
    ...(e.utk ? { utk: e.utk } : {}),
    ...(e.uuid ? { uuid: e.uuid } : {}),
    occurredAt: new Date(e.occurredAt ?? Date.now()).toISOString(),
    properties: Object.fromEntries(Object.entries(e.properties).map(([k, v]) => [k, String(v)])),
    receivedAt: new Date().toISOString(),
  });
}

/** Custom behavioral events: `POST /events/v3/send` (and its batch form) answer 204 and record the event. */
export function createEventRoutes(portal: TPortal): TRoute[] {
  return [
    {
      method: "POST",
      path: "/events/v3/send",
      handler: (req) => {
        const e = parseBody(req, ZEvent);
        const refused = refuse(portal, e);
        if (refused) return refused;
        record(portal, e);
        return emptyResponse(204);
      },
    },
    {
      method: "POST",
      path: "/events/v3/send/batch",
      handler: (req) => {
        const body = parseBody(req, z.object({ inputs: z.array(ZEvent) }));
        if (body.inputs.length > MAX_EVENT_BATCH) {
          return validationError(
            `The maximum number of inputs supported in a batch is ${MAX_EVENT_BATCH}. Please reduce the number of items and try again`,
          );
        }
        for (const e of body.inputs) {
          const refused = refuse(portal, e);
          if (refused) return refused;
        }
        for (const e of body.inputs) record(portal, e);
        return emptyResponse(204);
      },
    },
  ];
}
