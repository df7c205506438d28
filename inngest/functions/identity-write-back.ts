import { inngest } from "@/inngest/client";
import { identityWriteBackRequested } from "@/inngest/events";
import { toInngestError } from "@/lib/connectors/errors";
import { deadLetterOnFailure } from "@/lib/dead-letters/record";
import { writeBackOpenid } from "@/lib/identity/write-back";

export const IDENTITY_WRITE_BACK_ID = "identity-write-back";
const RETRIES = 5;

/** After a reviewer's approval: write the chosen follower's OpenID into the HubSpot contact or OpenApply student. */
export const identityWriteBackFunction = inngest.createFunction(
  {
    id: IDENTITY_WRITE_BACK_ID,
    name: "Write a linked OpenID back to HubSpot or OpenApply",
    triggers: [identityWriteBackRequested],
    retries: RETRIES,
    concurrency: [{ limit: 1, key: "event.data.recordId" }, { limit: 5 }],
    onFailure: deadLetterOnFailure(IDENTITY_WRITE_BACK_ID, {
      retries: RETRIES,
      subject: (data) =>
        typeof data.recordId === "string" ? `${String(data.system)}:record:${data.recordId}` : undefined,
    }),
  },
  async ({ event, step }) => {
    const result = await step.run("write-back", async () => {
      try {
        const { system, recordId, openid } = event.data;
        return await writeBackOpenid({ system, recordId, openid });
      } catch (error) {
        throw toInngestError(error);
      }
    });
    return { result };
  },
);
