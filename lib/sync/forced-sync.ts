import "server-only";
import { inngest } from "@/inngest/client";
import { hubspotContactChanged, stripeObjectChanged } from "@/inngest/events";
import type { TPairDirection } from "@/lib/sync/sync-log";

/**
 * Asks one direction to sync a pair again, forced (no echo, staleness or "unchanged" skip): the
 * domain event a webhook would produce, marked as a resync. Used where a run finds that what it wrote
 * is no longer the newest (write-order.ts, newest-clock.ts). `key` makes the event id: repeats of one
 * cause are deduplicated, distinct causes are not.
 */
export async function sendForcedSync(
  direction: TPairDirection,
  pair: { contactId: string; customerId: string },
  key: string,
  atMs = Date.now(),
): Promise<void> {
  if (direction === "hubspot_to_stripe") {
    await inngest.send({
      id: `${key}:H2S:${pair.contactId}`,
      name: hubspotContactChanged.name,
      data: { contactId: pair.contactId, occurredAt: atMs, subscriptionType: "revbridge.resync" },
    });
  } else {
    await inngest.send({
      id: `${key}:S2H:${pair.customerId}`,
      name: stripeObjectChanged.name,
      data: {
        // `resync:` marks it forced (lib/sync/stripe-to-hubspot/triage.ts).
        stripeEventId: `resync:${key}:${pair.customerId}`,
        type: "customer.updated",
        objectId: pair.customerId,
        created: Math.floor(atMs / 1000),
      },
    });
  }
}
