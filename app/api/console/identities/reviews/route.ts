import { z } from "zod";
import { consoleRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { listReviews } from "@/lib/identity/review-queue";

export const dynamic = "force-dynamic";

const ZStatus = z.enum(["OPEN", "APPROVED", "REJECTED"]);

/** The review queue (`?status=OPEN|APPROVED|REJECTED`, default OPEN); every role may read it. */
export const GET = consoleRoute({}, async ({ request }) => {
  const raw = new URL(request.url).searchParams.get("status") ?? "OPEN";
  const status = ZStatus.safeParse(raw);
  if (!status.success) throw new AppError("bad_request", "status must be OPEN, APPROVED or REJECTED.");
  return { reviews: await listReviews({ status: status.data }) };
});
