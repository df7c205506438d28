import "server-only";
import { env } from "@/lib/env";
import { log } from "@/lib/logger";
import { ProviderRejectedError } from "@/lib/connectors/errors";
import { hubspotCall } from "@/lib/connectors/hubspot/client";

/**
 * The contact properties matching uses must exist in the portal: the code property (where a form
 * puts what the person typed) and the OpenID property (where we write the link back). A portal
 * without them gets them created once; the answer is cached per process and portal, so the check
 * costs one call per property per process, not one per contact.
 */

const ensured = new Set<string>();

const LABELS: Record<string, string> = {
  code: "WeChat code",
  openid: "WeChat OpenID",
};

export async function ensureContactProperty(name: string, kind: keyof typeof LABELS): Promise<void> {
  const cacheKey = `${env().HUBSPOT_API_BASE}\n${name}`;
  if (ensured.has(cacheKey)) return;
  try {
    await hubspotCall("default", (c) => c.crm.properties.coreApi.getByName("contacts", name));
  } catch (error) {
    if (!(error instanceof ProviderRejectedError) || error.status !== 404) throw error;
    try {
      await hubspotCall("default", (c) =>
        c.crm.properties.coreApi.create("contacts", {
          name,
          label: LABELS[kind] ?? name,
          type: "string" as never,
          fieldType: "text" as never,
          groupName: "contactinformation",
          description:
            kind === "openid"
              ? "Written by RevBridge when this contact's WeChat code matched a follower."
              : "The personal code a WeChat follower received from the Official Account.",
        }),
      );
      log.info("identity.hubspot_property_created", { property: name });
    } catch (createError) {
      // 409: another instance created it between our read and our create — it exists, which is all we need.
      if (!(createError instanceof ProviderRejectedError) || createError.status !== 409) throw createError;
    }
  }
  ensured.add(cacheKey);
}

/** For tests that reset the sandbox portal between cases. */
export function forgetEnsuredPropertiesForTests(): void {
  ensured.clear();
}
