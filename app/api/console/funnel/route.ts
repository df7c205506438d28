import { consoleRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { computeFunnel, ZFunnelQuery } from "@/lib/analytics/funnel";

/** The funnel: `?groupBy=none|campaign|week|month&campaignId=&from=&to=`. */
export const GET = consoleRoute({}, async ({ request }) => {
  const q = ZFunnelQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!q.success) throw new AppError("bad_request", "Invalid funnel parameters.");
  return computeFunnel(q.data);
});
