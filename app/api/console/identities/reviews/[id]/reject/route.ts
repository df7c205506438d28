import { z } from "zod";
import { consoleRoute } from "@/lib/api/route";
import { rejectReview } from "@/lib/identity/review";

export const dynamic = "force-dynamic";

const ZReject = z.object({ note: z.string().trim().max(200).optional() });

/** OPERATOR+: nothing is linked; the decision is audited. */
export const POST = consoleRoute({ role: "OPERATOR", body: ZReject }, async ({ staff, params, body }) => {
  await rejectReview(staff, String(params.id), body.note);
  return { ok: true };
});
