import { z } from "zod";
import { inngest } from "@/inngest/client";
import { identityWriteBackRequested } from "@/inngest/events";
import { consoleRoute } from "@/lib/api/route";
import { approveReview } from "@/lib/identity/review";

export const dynamic = "force-dynamic";

const ZApprove = z
  .object({
    openid: z.string().trim().min(1).max(128).optional(),
    code: z.string().trim().min(1).max(40).optional(),
  })
  .refine((b) => Boolean(b.openid) !== Boolean(b.code), {
    message: "give either openid (a suggestion) or code",
  });

/** OPERATOR+: link the record to the chosen follower (audited), then write the OpenID back. */
export const POST = consoleRoute({ role: "OPERATOR", body: ZApprove }, async ({ staff, params, body }) => {
  const approval = await approveReview(staff, String(params.id), body);
  // The link is committed; the write-back is durable work with retries (and a dead letter if HubSpot refuses).
  await inngest.send(
    identityWriteBackRequested.create(
      {
        system: approval.system,
        recordId: approval.recordId,
        openid: approval.openid,
        reviewId: approval.reviewId,
      },
      { id: `identity-write-back:${approval.reviewId}` },
    ),
  );
  return { approval };
});
