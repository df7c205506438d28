import { consoleRoute } from "@/lib/api/route";
import { saveTeamOverride, ZOverride } from "@/lib/warehouse/console";

/** Sets (or clears, matched: null) a manual company ↔ team match; it wins over the fuzzy match. */
export const PUT = consoleRoute({ role: "OPERATOR", body: ZOverride }, async ({ staff, body }) =>
  saveTeamOverride(body, staff.id),
);
