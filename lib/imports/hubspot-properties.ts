import "server-only";
import {
  PropertyCreateFieldTypeEnum,
  PropertyCreateTypeEnum,
} from "@hubspot/api-client/lib/codegen/crm/properties";
import { ProviderRejectedError } from "@/lib/connectors/errors";
import { hubspotCall } from "@/lib/connectors/hubspot/client";
import { IMPORT_KEY_PROPERTY, type TImportObject, type TPropertyDef } from "@/lib/imports/types";

/**
 * The portal's properties per object, as the mapper and validator need them. Read-only and
 * calculated properties are left out: a column mapped to one could never be written.
 * Cached for a minute so mapping a three-file job costs three calls, not one per keystroke.
 */
const cache = new Map<TImportObject, { at: number; props: TPropertyDef[] }>();
const TTL_MS = 60_000;

export async function readProperties(object: TImportObject, fresh = false): Promise<TPropertyDef[]> {
  const hit = cache.get(object);
  if (hit && !fresh && Date.now() - hit.at < TTL_MS) return hit.props;
  const res = await hubspotCall("default", (c) => c.crm.properties.coreApi.getAll(object));
  const props = res.results
    .filter((p) => !p.calculated && !p.modificationMetadata?.readOnlyValue && !p.hidden)
    .map((p) => ({
      name: p.name,
      label: p.label || p.name,
      type: p.type,
      fieldType: p.fieldType,
      options: (p.options ?? []).map((o) => ({ value: o.value, label: o.label })),
      hasUniqueValue: p.hasUniqueValue ?? false,
    }))
    .filter((p) => p.name !== IMPORT_KEY_PROPERTY);
  cache.set(object, { at: Date.now(), props });
  return props;
}

/** For tests that reset the sandbox between cases. */
export function clearPropertyCache(): void {
  cache.clear();
}

/**
 * Creates `revbridge_import_key` (unique) on companies and tickets when missing: it is what makes
 * a re-run find the records the first run created instead of creating them again.
 * Create first, and take 409 as "already there": one request whether or not it exists (reading it
 * first cost a second request on every first import, and the run is bound by HubSpot's rate).
 */
export async function ensureImportKeyProperty(object: TImportObject): Promise<void> {
  if (object === "contacts") return; // contacts are unique by e-mail already
  try {
    await hubspotCall("default", (c) =>
      c.crm.properties.coreApi.create(object, {
        name: IMPORT_KEY_PROPERTY,
        label: "RevBridge import key",
        description:
          "Set by RevBridge CSV imports so that importing the same file again updates instead of duplicating.",
        type: PropertyCreateTypeEnum.String,
        fieldType: PropertyCreateFieldTypeEnum.Text,
        groupName: object === "companies" ? "companyinformation" : "ticketinformation",
        hasUniqueValue: true,
      }),
    );
  } catch (error) {
    // An earlier import (or another run at the same moment) created it.
    if (!(error instanceof ProviderRejectedError && error.status === 409)) throw error;
  }
}
