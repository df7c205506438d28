import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/logger";
import { hubspotCall } from "@/lib/connectors/hubspot/client";

/**
 * Human labels (name, email) for linked records, so the console shows "Li Wei <li@…>" rather than
 * bare ids. From what RevBridge already holds (warehouse contacts, polled applications), topped up
 * by one live HubSpot batch read for contacts the warehouse has not ingested. A failed live read
 * leaves the ids bare — labels are a convenience, never a reason for a page to fail.
 */

export interface TRecordLabel {
  name: string | null;
  email: string | null;
}

const key = (system: string, id: string) => `${system}:${id}`;

function joinName(first?: string | null, last?: string | null): string | null {
  const name = [first, last].filter(Boolean).join(" ").trim();
  return name || null;
}

export async function labelRecords(
  records: { system: string; externalId: string }[],
  opts: { live?: boolean } = {},
): Promise<Map<string, TRecordLabel>> {
  const labels = new Map<string, TRecordLabel>();
  const hubspotIds = records.filter((r) => r.system === "HUBSPOT").map((r) => r.externalId);
  const studentIds = records.filter((r) => r.system === "OPENAPPLY").map((r) => r.externalId);
  const stripeIds = records.filter((r) => r.system === "STRIPE").map((r) => r.externalId);

  if (hubspotIds.length) {
    const rows = await db().hubspotContact.findMany({
      where: { id: { in: hubspotIds } },
      select: { id: true, email: true, firstName: true, lastName: true },
    });
    for (const r of rows)
      labels.set(key("HUBSPOT", r.id), { name: joinName(r.firstName, r.lastName), email: r.email });
  }
  if (studentIds.length) {
    const rows = await db().application.findMany({
      where: { studentId: { in: studentIds } },
      select: { studentId: true, raw: true },
    });
    for (const r of rows) {
      const raw = (r.raw ?? {}) as { name?: string; first_name?: string; last_name?: string; email?: string };
      labels.set(key("OPENAPPLY", r.studentId), {
        name: raw.name ?? joinName(raw.first_name, raw.last_name),
        email: raw.email ?? null,
      });
    }
  }
  if (stripeIds.length) {
    const rows = await db().contactCustomerMap.findMany({
      where: { stripeCustomerId: { in: stripeIds } },
      select: { stripeCustomerId: true, email: true },
    });
    for (const r of rows) labels.set(key("STRIPE", r.stripeCustomerId), { name: null, email: r.email });
  }

  const missing = hubspotIds.filter((id) => !labels.has(key("HUBSPOT", id))).slice(0, 100);
  if (opts.live && missing.length && env().HUBSPOT_ACCESS_TOKEN) {
    try {
      const res = await hubspotCall(
        "default",
        (c) =>
          c.crm.contacts.batchApi.read({
            inputs: missing.map((id) => ({ id })),
            properties: ["email", "firstname", "lastname"],
            propertiesWithHistory: [],
          }),
        { maxWaitMs: 2_000 },
      );
      for (const r of res.results) {
        labels.set(key("HUBSPOT", r.id), {
          name: joinName(r.properties.firstname, r.properties.lastname),
          email: r.properties.email ?? null,
        });
      }
    } catch (error) {
      log.warn("identity.labels_unavailable", { error, contacts: missing.length });
    }
  }
  return labels;
}

export function labelOf(
  labels: Map<string, TRecordLabel>,
  system: string,
  externalId: string,
): TRecordLabel | null {
  return labels.get(key(system, externalId)) ?? null;
}
