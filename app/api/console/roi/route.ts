import { consoleRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { computeRoi, ZRoiQuery } from "@/lib/analytics/roi";

/** ROI per campaign and period: `?period=all|month|week&campaignId=&from=&to=`. */
export const GET = consoleRoute({}, async ({ request }) => {
  const q = ZRoiQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!q.success) throw new AppError("bad_request", "Invalid ROI parameters.");
  return computeRoi(q.data);
});
