/**
 * Every event RevBridge sends or reacts to, with its zod schema. Functions validate the payload
 * again on receipt (the SDK runs the schema), so a malformed event fails loudly instead of half-running.
 */
import { eventType } from "inngest";
import { z } from "zod";

export const ZProvider = z.enum(["HUBSPOT", "STRIPE", "WECHAT", "OPENAPPLY"]);

/** An inbox row was accepted and awaits processing. Event id = `webhook:<provider>:<dedupeKey>`. */
export const webhookReceived = eventType("revbridge/webhook.received", {
  schema: z.object({
    webhookEventId: z.string().min(1),
    provider: ZProvider,
    type: z.string().min(1),
  }),
});

/** The Inngest event id for an inbox row: stable, so a re-send by the sweeper is deduplicated by Inngest. */
export function webhookEventIdFor(provider: z.infer<typeof ZProvider>, dedupeKey: string): string {
  return `webhook:${provider}:${dedupeKey}`;
}
