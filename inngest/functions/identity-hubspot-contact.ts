import { inngest } from "@/inngest/client";
import { hubspotContactChanged } from "@/inngest/events";
import { toInngestError } from "@/lib/connectors/errors";
import { deadLetterOnFailure } from "@/lib/dead-letters/record";
import { isCodeRelevantChange, readContactCode } from "@/lib/identity/hubspot-source";
import { isLinkedOutcome, matchSubmission } from "@/lib/identity/match";
import { readIdentitySettings } from "@/lib/identity/settings";
import { writeBackOpenid } from "@/lib/identity/write-back";

export const IDENTITY_HUBSPOT_CONTACT_ID = "identity-hubspot-contact";
const RETRIES = 5;

/** Provider errors become Inngest's retry signals (wait as told / do not retry / back off). */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toInngestError(error);
  }
}

/**
 * A HubSpot contact changed → if the change can carry a WeChat code (creation, merge, or the code
 * property), re-read the contact, match the code and write the OpenID back. The webhook payload is
 * only a hint: the decision uses what HubSpot holds now.
 */
export const identityHubspotContactFunction = inngest.createFunction(
  {
    id: IDENTITY_HUBSPOT_CONTACT_ID,
    name: "Match a WeChat code typed into a HubSpot contact",
    triggers: [hubspotContactChanged],
    retries: RETRIES,
    // One run per contact at a time (a creation and its propertyChange arrive together).
    concurrency: [{ limit: 1, key: "event.data.contactId" }, { limit: 10 }],
    onFailure: deadLetterOnFailure(IDENTITY_HUBSPOT_CONTACT_ID, {
      retries: RETRIES,
      subject: (data) =>
        typeof data.contactId === "string" ? `HUBSPOT:contact:${data.contactId}` : undefined,
    }),
  },
  async ({ event, step }) => {
    const contact = await step.run("read-contact", async () => {
      const settings = await readIdentitySettings();
      if (!isCodeRelevantChange(event.data, settings.hubspotCodeProperty))
        return { skip: "not_a_code_change" as const };
      const read = await guarded(() => readContactCode(event.data.contactId));
      if (!read) return { skip: "contact_missing" as const };
      if (!read.code) return { skip: "no_code" as const };
      return { skip: null, ...read, code: read.code };
    });
    if (contact.skip !== null) return { skipped: contact.skip };

    const match = await step.run("match", () =>
      matchSubmission({ system: "HUBSPOT", recordId: contact.contactId, rawInput: contact.code }),
    );
    if (!isLinkedOutcome(match.outcome) || !match.openid) {
      return { outcome: match.outcome, reason: match.reason, suggestions: match.suggestions.length };
    }
    const openid = match.openid;
    const writeBack = await step.run("write-back", () =>
      guarded(() =>
        writeBackOpenid({
          system: "HUBSPOT",
          recordId: contact.contactId,
          openid,
          current: contact.openid,
          sinceMs: event.data.occurredAt,
        }),
      ),
    );
    return { outcome: match.outcome, writeBack };
  },
);
