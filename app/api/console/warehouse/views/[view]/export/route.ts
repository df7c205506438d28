import { consoleRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { exportViewCsv, VIEW_NAMES, ZViewQuery, type TViewName } from "@/lib/analytics/warehouse-views";

/** The whole filtered view as CSV (streamed), same filters and sort as the page. */
export const GET = consoleRoute({}, ({ request, params }) => {
  const view = String(params.view);
  if (!(VIEW_NAMES as readonly string[]).includes(view))
    throw new AppError("not_found", `No view named "${view}".`);
  const query = ZViewQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw new AppError("bad_request", "Invalid filter parameters.");
  const stamp = new Date().toISOString().slice(0, 10);
  // The stream is built synchronously; rows are read as the client pulls them.
  return Promise.resolve(
    new Response(exportViewCsv(view as TViewName, query.data), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${view}-${stamp}.csv"`,
        "cache-control": "no-store",
      },
    }),
  );
});
