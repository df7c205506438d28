/**
 * HubSpot as the generator uses it: the official SDK for the portal's custom properties, and the
 * sandbox's control endpoints for what people do in HubSpot (a visitor submits a form, a salesperson
 * edits a contact), which an integration only ever sees as webhooks.
 */
import { Client } from "@hubspot/api-client";
import {
  PropertyCreateFieldTypeEnum,
  PropertyCreateTypeEnum,
} from "@hubspot/api-client/lib/codegen/crm/properties";
import { z } from "zod";
import { callJson } from "./control-http";

const ZRecord = z.object({ id: z.string() });

/** The contact properties RevBridge reads and writes; a fresh portal lacks them. */
const CUSTOM_CONTACT_PROPERTIES = [
  {
    name: "wechat_code",
    label: "WeChat code",
    description: "The code the WeChat account gave the parent, typed into a form.",
    hasUniqueValue: false,
  },
  {
    name: "wechat_openid",
    label: "WeChat OpenID",
    description: "The follower's OpenID, written back by RevBridge once the code matched.",
    hasUniqueValue: true,
  },
] as const;

export function createHubspotClient(baseUrl: string, accessToken: string) {
  const sdk = new Client({ accessToken, basePath: baseUrl.replace(/\/$/, "") });

  /** Creates the custom properties that are missing; returns the names it created. */
  async function ensureContactProperties(): Promise<string[]> {
    const existing = new Set(
      (await sdk.crm.properties.coreApi.getAll("contacts")).results.map((p) => p.name),
    );
    const created: string[] = [];
    for (const p of CUSTOM_CONTACT_PROPERTIES) {
      if (existing.has(p.name)) continue;
      try {
        await sdk.crm.properties.coreApi.create("contacts", {
          ...p,
          type: PropertyCreateTypeEnum.String,
          fieldType: PropertyCreateFieldTypeEnum.Text,
          groupName: "contactinformation",
          formField: true,
        });
        created.push(p.name);
      } catch (error) {
        // The app may create the same property at the same moment: 409 means it exists now.
        if ((error as { code?: unknown }).code !== 409) throw error;
      }
    }
    return created;
  }

  return {
    ensureContactProperties,
    /** A form submission: creates or updates the contact by email (`changeSource: FORM`). */
    async submitForm(formId: string, email: string, properties: Record<string, string>): Promise<string> {
      const r = await callJson(baseUrl, "POST", "/__sandbox/hubspot/forms/submit", ZRecord, {
        formId,
        email,
        properties,
      });
      return r.id;
    },
    /** A salesperson's edit in the CRM (`changeSource: CRM_UI`, `sourceId: userId:n`). */
    async editAsSalesperson(
      contactId: string,
      userId: number,
      properties: Record<string, string>,
    ): Promise<void> {
      await callJson(
        baseUrl,
        "POST",
        `/__sandbox/hubspot/objects/contacts/${encodeURIComponent(contactId)}/edit`,
        ZRecord,
        {
          userId,
          properties,
        },
      );
    },
  };
}

export type THubspotClient = ReturnType<typeof createHubspotClient>;
