import { z } from "zod";
import {
  HttpResponseError,
  jsonResponse,
  parseControlBody,
  type TRoute,
  type TStandInRequest,
} from "../core";
import { objectNotFound } from "./errors";
import { mergeObjects } from "./objects";
import { resolveObjectType, type TObjectType } from "./object-types";
import type { TPortal } from "./portal";
import { toApiObject } from "./serialize";
import type { TChangeSource } from "./store";

const ZValues = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

const ZFormSubmission = z.object({
  email: z.string().min(3),
  properties: ZValues.default({}),
  formId: z.string().default("5b0c7f1e-sandbox-form"),
});

const ZUserEdit = z.object({ properties: ZValues, userId: z.number().int().positive().default(1001) });
const ZMerge = z.object({ primaryObjectId: z.string(), objectIdToMerge: z.string() });
const ZSeed = z.object({
  contacts: z.number().int().min(0).max(200_000).default(0),
  companies: z.number().int().min(0).max(50_000).default(0),
  deals: z.number().int().min(0).max(100_000).default(0),
  withWebhooks: z.boolean().default(false),
});

function objectTypeOf(req: TStandInRequest): TObjectType {
  const t = resolveObjectType(req.params.objectType ?? "");
  if (!t)
    throw new HttpResponseError(jsonResponse(400, { error: `unknown object type ${req.params.objectType}` }));
  return t;
}

/** Write results of control actions: the provider's own error answer, or the record as the API shows it. */
function answerWrite(portal: TPortal, res: ReturnType<TPortal["store"]["create"]>, status = 200) {
  return res.ok
    ? jsonResponse(
        status,
        toApiObject(portal, res.record, { properties: Object.keys(res.record.properties) }),
      )
    : res.response;
}

/**
 * What people do in HubSpot, which an integration only sees through webhooks: a visitor submits a form,
 * a salesperson edits or merges records. Also settings, bulk seeding and a raw read for assertions.
 */
export function createHubspotControlRoutes(portal: TPortal): TRoute[] {
  const user = (id: number): { source: TChangeSource; sourceId: string } => ({
    source: "CRM_UI",
    sourceId: `userId:${id}`,
  });
  return [
    {
      method: "GET",
      path: "/__sandbox/hubspot/settings",
      handler: () => jsonResponse(200, describeSettings(portal)),
    },
    {
      method: "POST",
      path: "/__sandbox/hubspot/settings",
      handler: (req) => {
        const body = parseControlBody(req, z.record(z.string(), z.unknown()));
        try {
          portal.configure(body);
        } catch (error) {
          if (error instanceof z.ZodError) {
            return jsonResponse(400, {
              error: "invalid settings",
              issues: error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
            });
          }
          throw error;
        }
        return jsonResponse(200, describeSettings(portal));
      },
    },
    {
      method: "POST",
      path: "/__sandbox/hubspot/forms/submit",
      handler: (req) => {
        const body = parseControlBody(req, ZFormSubmission);
        const existing = portal.store.find("contacts", body.email, "email");
        const values = { ...body.properties, email: body.email };
        const res = existing
          ? portal.store.update(existing, values, "FORM", body.formId)
          : portal.store.create("contacts", values, "FORM", body.formId);
        return answerWrite(portal, res, existing ? 200 : 201);
      },
    },
    {
      method: "POST",
      path: "/__sandbox/hubspot/objects/:objectType",
      handler: (req) => {
        const body = parseControlBody(req, ZUserEdit);
        const by = user(body.userId);
        return answerWrite(
          portal,
          portal.store.create(objectTypeOf(req), body.properties, by.source, by.sourceId),
          201,
        );
      },
    },
    {
      method: "GET",
      path: "/__sandbox/hubspot/objects/:objectType/:objectId",
      handler: (req) => {
        const r = portal.store.find(objectTypeOf(req), req.params.objectId!);
        return r
          ? jsonResponse(200, toApiObject(portal, r, { properties: Object.keys(r.properties) }))
          : objectNotFound(req.params.objectId);
      },
    },
    {
      method: "POST",
      path: "/__sandbox/hubspot/objects/:objectType/:objectId/edit",
      handler: (req) => {
        const body = parseControlBody(req, ZUserEdit);
        const r = portal.store.find(objectTypeOf(req), req.params.objectId!);
        if (!r) return objectNotFound(req.params.objectId);
        const by = user(body.userId);
        return answerWrite(portal, portal.store.update(r, body.properties, by.source, by.sourceId));
      },
    },
    {
      method: "POST",
      path: "/__sandbox/hubspot/objects/:objectType/:objectId/delete",
      handler: (req) => {
        const r = portal.store.find(objectTypeOf(req), req.params.objectId!);
        if (!r) return objectNotFound(req.params.objectId);
        const by = user(1001);
        portal.store.archive(r, by.source, by.sourceId);
        return jsonResponse(200, { id: r.id, archived: true });
      },
    },
    {
      method: "POST",
      path: "/__sandbox/hubspot/contacts/merge",
      handler: (req) => {
        const body = parseControlBody(req, ZMerge);
        return mergeObjects(portal, "contacts", body.primaryObjectId, body.objectIdToMerge, user(1001));
      },
    },
    {
      method: "POST",
      path: "/__sandbox/hubspot/webhooks/flush",
      handler: () => {
        const pending = portal.webhooks.pending();
        portal.webhooks.flush();
        return jsonResponse(200, { flushed: pending });
      },
    },
    {
      method: "GET",
      path: "/__sandbox/hubspot/events",
      handler: () => jsonResponse(200, { results: portal.behavioralEvents() }),
    },
    {
      method: "POST",
      path: "/__sandbox/hubspot/seed",
      handler: (req) => {
        const body = parseControlBody(req, ZSeed);
        const run = () => seed(portal, body);
        return jsonResponse(200, body.withWebhooks ? run() : portal.webhooks.withoutWebhooks(run));
      },
    },
  ];
}

/** Deterministic bulk data for warehouse runs and benchmarks: companies, contacts linked to them, deals. */
function seed(portal: TPortal, counts: z.infer<typeof ZSeed>) {
  const by = { source: "IMPORT" as const, sourceId: "sandbox-seed" };
  const start = portal.store.counts();
  const companyIds: string[] = [];
  for (let i = 0; i < counts.companies; i++) {
    const n = start.companies + i + 1;
    const res = portal.store.create(
      "companies",
      { name: `Seed School ${n}`, domain: `seed-school-${n}.example.edu`, industry: "Education" },
      by.source,
      by.sourceId,
    );
    if (res.ok) companyIds.push(res.record.id);
  }
  let contacts = 0;
  for (let i = 0; i < counts.contacts; i++) {
    const n = start.contacts + i + 1;
    const res = portal.store.create(
      "contacts",
      {
        email: `seed.parent.${n}@example.com`,
        firstname: "Seed",
        lastname: `Parent ${n}`,
        lifecyclestage: i % 3 === 0 ? "customer" : "lead",
      },
      by.source,
      by.sourceId,
    );
    if (!res.ok) continue;
    contacts++;
    const company = companyIds[i % Math.max(1, companyIds.length)];
    if (company) portal.associations.associate("contacts", res.record.id, "companies", company, 279);
  }
  let deals = 0;
  for (let i = 0; i < counts.deals; i++) {
    const n = start.deals + i + 1;
    const res = portal.store.create(
      "deals",
      {
        dealname: `Seed enrolment ${n}`,
        amount: String(1_000 + (n % 50) * 100),
        dealstage: i % 4 === 0 ? "closedwon" : "qualifiedtobuy",
        pipeline: "default",
      },
      by.source,
      by.sourceId,
    );
    if (!res.ok) continue;
    deals++;
    const company = companyIds[i % Math.max(1, companyIds.length)];
    if (company) portal.associations.associate("deals", res.record.id, "companies", company, 341);
  }
  return { created: { companies: companyIds.length, contacts, deals }, totals: portal.store.counts() };
}

/** Settings without the secrets' values. */
export function describeSettings(portal: TPortal) {
  const s = portal.settings();
  return { ...s, accessToken: s.accessToken === null ? null : "(pinned)", clientSecret: "(set)" };
}
