import { consoleRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { eventsOverview, ZEventFilters } from "@/lib/events/console";
import { fieldErrors } from "@/lib/api/body";

export const dynamic = "force-dynamic";

/** Recent lifecycle events (personal data masked), counts, mode and mapping; filters in the query string. */
export const GET = consoleRoute({}, async ({ request }) => {
  const query = Object.fromEntries(
    [...new URL(request.url).searchParams.entries()].filter(([, v]) => v !== ""),
  );
  const filters = ZEventFilters.safeParse(query);
  if (!filters.success)
    throw new AppError("bad_request", "Some filters are invalid.", fieldErrors(filters.error));
  return eventsOverview(filters.data);
});
