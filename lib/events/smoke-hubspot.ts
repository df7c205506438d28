import "server-only";
import { hubspotCall } from "@/lib/connectors/hubspot/client";
import { env } from "@/lib/env";
import { EVENT_TYPES, parseEvent, type TEventType } from "@/lib/events/catalogue";
import {
  mappedContactProperties,
  REVBRIDGE_CONTACT_PROPERTIES,
  type TEventMapping,
} from "@/lib/events/mapping";
import { checkPlanAgainstPortal, type TPortalProperty } from "@/lib/events/portal-check";
import { contactPropertyDefinitions, forgetContactPropertyDefinitions } from "@/lib/events/portal-properties";
import { planSend } from "@/lib/events/plan";
import { readEventMapping } from "@/lib/events/settings";

/**
 * `npm run smoke -- hubspot`: is this environment ready to send lifecycle events?
 * 1. credentials — one cheap authenticated call (a page of one contact);
 * 2. properties — every contact property the mapping writes exists (and the external-id key is
 *    unique); `--create-properties` creates the missing `revbridge_*` ones first;
 * 3. dry run — a sample event of every mapped type goes through the catalogue, the mapping and the
 *    portal check, exactly as the outbox's dry run does. Nothing is written to HubSpot or the outbox.
 */

export interface TSmokeCheck {
  name: string;
  ok: boolean;
  detail: string;
}

const SAMPLE_PROPERTIES: Record<TEventType, Record<string, unknown>> = {
  "user.signed_up": { firstName: "Smoke", lastName: "Test", plan: "pro", source: "smoke" },
  "user.activated": { milestone: "first_project" },
  "trial.started": { plan: "pro", trialEndsAt: "2030-01-31T00:00:00Z" },
  "subscription.started": { plan: "pro", amount: 49, currency: "USD", interval: "month" },
  "subscription.cancelled": { plan: "pro", reason: "smoke" },
  "purchase.completed": { orderId: "smoke-1", amount: 10, currency: "USD" },
  "coupon.redeemed": { code: "SMOKE10", discountPercent: 10 },
};

async function createMissing(portal: TPortalProperty[]): Promise<string[]> {
  const have = new Set(portal.map((p) => p.name));
  const created: string[] = [];
  for (const p of REVBRIDGE_CONTACT_PROPERTIES) {
    if (have.has(p.name)) continue;
    await hubspotCall("default", (c) =>
      c.crm.properties.coreApi.create("contacts", {
        name: p.name,
        label: p.label,
        type: p.type as never,
        fieldType: p.fieldType as never,
        groupName: "contactinformation",
        hasUniqueValue: p.hasUniqueValue ?? false,
      }),
    );
    created.push(p.name);
  }
  forgetContactPropertyDefinitions();
  return created;
}

export async function runHubspotSmoke(
  options: { createProperties?: boolean; mapping?: TEventMapping } = {},
): Promise<TSmokeCheck[]> {
  const checks: TSmokeCheck[] = [];
  const base = env().HUBSPOT_API_BASE;
  try {
    await hubspotCall("default", (c) => c.crm.contacts.basicApi.getPage(1));
    checks.push({ name: "credentials", ok: true, detail: `authenticated call to ${base} answered` });
  } catch (error) {
    checks.push({ name: "credentials", ok: false, detail: (error as Error).message });
    return checks;
  }

  const mapping = options.mapping ?? (await readEventMapping()).mapping;
  let portal = await contactPropertyDefinitions({ fresh: true });
  if (options.createProperties) {
    const created = await createMissing(portal);
    if (created.length > 0) {
      checks.push({ name: "create properties", ok: true, detail: `created ${created.join(", ")}` });
      portal = await contactPropertyDefinitions({ fresh: true });
    }
  }
  const names = new Set(portal.map((p) => p.name));
  const missing = mappedContactProperties(mapping).filter((p) => !names.has(p));
  const keyDef = portal.find((p) => p.name === mapping.externalIdProperty);
  const problems = [
    ...(missing.length ? [`missing on contacts: ${missing.join(", ")} (run with --create-properties)`] : []),
    ...(keyDef && !keyDef.hasUniqueValue
      ? [`${mapping.externalIdProperty} is not a unique-value property`]
      : []),
  ];
  checks.push({
    name: "properties",
    ok: problems.length === 0,
    detail: problems.length
      ? problems.join("; ")
      : `all ${mappedContactProperties(mapping).length} mapped properties exist`,
  });

  for (const type of EVENT_TYPES.filter((t) => mapping.types[t])) {
    const parsed = parseEvent({
      id: `smoke-${type}`,
      type,
      occurredAt: new Date().toISOString(),
      email: "smoke-test@example.com",
      externalId: "smoke-test",
      properties: SAMPLE_PROPERTIES[type],
    });
    if (!parsed.ok) {
      checks.push({
        name: `dry run ${type}`,
        ok: false,
        detail: `sample event invalid: ${JSON.stringify(parsed.errors)}`,
      });
      continue;
    }
    const e = parsed.event;
    const plan = planSend(
      {
        eventId: e.id,
        type: e.type,
        occurredAt: e.occurredAt,
        email: e.email ?? null,
        externalId: e.externalId ?? null,
        properties: e.properties,
      },
      mapping,
    );
    const found = checkPlanAgainstPortal(plan, portal);
    const timeline = plan.timeline.kind === "event" ? `event ${plan.timeline.eventName}` : plan.timeline.kind;
    checks.push({
      name: `dry run ${type}`,
      ok: found.length === 0,
      detail: found.length
        ? found.join("; ")
        : `upsert by ${plan.contact.idProperty}, ${Object.keys(plan.contact.properties).length} properties, ${timeline}`,
    });
  }
  return checks;
}

export function formatSmokeReport(target: string, checks: TSmokeCheck[]): string {
  const width = Math.max(...checks.map((c) => c.name.length), 10);
  const failed = checks.filter((c) => !c.ok).length;
  return [
    `RevBridge smoke: ${target}`,
    ...checks.map((c) => `  ${c.ok ? "PASS" : "FAIL"}  ${c.name.padEnd(width)}  ${c.detail}`),
    failed === 0
      ? `result: PASS (${checks.length} checks)`
      : `result: FAIL (${failed} of ${checks.length} checks failed)`,
  ].join("\n");
}
