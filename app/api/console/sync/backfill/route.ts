import { consoleRoute } from "@/lib/api/route";
import { getBackfillProgress, requestBackfill, ZBackfillRequest } from "@/lib/sync-console/backfill";

export const dynamic = "force-dynamic";

/** The initial sync's progress (any staff). */
export const GET = consoleRoute({}, async () => ({ progress: await getBackfillProgress() }));

/** Start or resume the initial sync (OPERATOR+, audited; 409 while a different run is live). */
export const POST = consoleRoute({ role: "OPERATOR", body: ZBackfillRequest }, async ({ staff, body }) =>
  requestBackfill(body, staff.id),
);
