import "server-only";
import { z } from "zod";
import { inngest } from "@/inngest/client";
import {
  identityCatchUpRequested,
  identityReconcileRequested,
  openapplyPollRequested,
} from "@/inngest/events";
import { recordAudit } from "@/lib/audit";
import type { TStaff } from "@/lib/auth/session";

/**
 * The identity backstops on demand: the reconciliation (otherwise nightly), the OpenApply poll
 * (otherwise every 5 minutes) and the HubSpot catch-up search (otherwise every 10 minutes). Each is
 * idempotent — a code already decided is not decided again — so running one early is always safe.
 */
export const ZIdentityJob = z.enum(["reconcile", "openapply-poll", "hubspot-catch-up"]);
export type TIdentityJob = z.infer<typeof ZIdentityJob>;

export async function requestIdentityJob(
  staff: Pick<TStaff, "id">,
  job: TIdentityJob,
): Promise<{ job: TIdentityJob; eventId: string | null }> {
  const event =
    job === "reconcile"
      ? identityReconcileRequested.create({ requestedById: staff.id })
      : job === "openapply-poll"
        ? openapplyPollRequested.create({})
        : identityCatchUpRequested.create({});
  const sent = await inngest.send(event);
  await recordAudit({ actorId: staff.id, action: "identity.job.request", target: job });
  return { job, eventId: sent.ids[0] ?? null };
}
