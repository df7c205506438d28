import "server-only";
import { hubspotCall } from "@/lib/connectors/hubspot/client";
import type { TPortalProperty } from "@/lib/events/portal-check";

/**
 * The portal's contact property definitions, cached briefly: a dry run of 1,000 events should cost
 * one properties call, not 1,000, while a property created in HubSpot shows up within a minute.
 */
const CACHE_MS = 60_000;
let cache: { at: number; props: TPortalProperty[] } | undefined;

export async function contactPropertyDefinitions(
  options: { fresh?: boolean } = {},
): Promise<TPortalProperty[]> {
  if (!options.fresh && cache && Date.now() - cache.at < CACHE_MS) return cache.props;
  const res = await hubspotCall("default", (c) => c.crm.properties.coreApi.getAll("contacts"));
  const props: TPortalProperty[] = res.results.map((p) => ({
    name: p.name,
    type: p.type,
    options: p.options.map((o) => ({ value: o.value })),
    hasUniqueValue: p.hasUniqueValue ?? false,
    readOnly: p.modificationMetadata?.readOnlyValue ?? false,
  }));
  cache = { at: Date.now(), props };
  return props;
}

export function forgetContactPropertyDefinitions(): void {
  cache = undefined;
}
