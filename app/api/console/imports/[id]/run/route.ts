import { consoleRoute } from "@/lib/api/route";
import { requestRun } from "@/lib/imports/console";

export const dynamic = "force-dynamic";

/** Starts the import, or resumes a cancelled or failed one (only rows still pending are written). */
export const POST = consoleRoute({ role: "OPERATOR" }, async ({ staff, params }) =>
  requestRun(String(params.id), staff.id),
);
