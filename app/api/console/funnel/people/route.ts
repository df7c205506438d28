import { consoleRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { funnelPeople, ZFunnelPeopleQuery } from "@/lib/analytics/funnel";

/** Drill-down: the people at a stage (`&dropped=true`: who stopped there), paged. */
export const GET = consoleRoute({}, async ({ request }) => {
  const q = ZFunnelPeopleQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!q.success) throw new AppError("bad_request", "Invalid drill-down parameters.");
  return funnelPeople(q.data);
});
