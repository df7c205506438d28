import { consoleRoute } from "@/lib/api/route";
import { listRateLimits, updateRateLimit, ZRateLimitUpdate } from "@/lib/settings/rate-limits";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({}, async () => ({ limits: await listRateLimits() }));

/** ADMIN only: the governor reads the saved policy on its next call. */
export const PATCH = consoleRoute({ role: "ADMIN", body: ZRateLimitUpdate }, async ({ staff, body }) => ({
  limit: await updateRateLimit(body, staff.id),
}));
