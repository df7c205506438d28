import { consoleRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { queryView, VIEW_NAMES, ZViewQuery, type TViewName } from "@/lib/analytics/warehouse-views";

function viewName(raw: unknown): TViewName {
  const name = String(raw);
  if (!(VIEW_NAMES as readonly string[]).includes(name))
    throw new AppError("not_found", `No view named "${name}".`);
  return name as TViewName;
}

/** One page of a warehouse view: `?sort=&dir=&q=&currency=&page=&pageSize=`. */
export const GET = consoleRoute({}, async ({ request, params }) => {
  const query = ZViewQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw new AppError("bad_request", "Invalid paging or filter parameters.");
  return queryView(viewName(params.view), query.data);
});
