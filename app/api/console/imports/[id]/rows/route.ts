import { consoleRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { importRows } from "@/lib/imports/console";
import { ZImportObject } from "@/lib/imports/types";

export const dynamic = "force-dynamic";

/** `?object=contacts&outcome=failed&page=2`: 50 rows with their values, quality and outcome. */
export const GET = consoleRoute({}, async ({ request, params }) => {
  const q = new URL(request.url).searchParams;
  const object = ZImportObject.safeParse(q.get("object"));
  if (!object.success) throw new AppError("bad_request", "object must be companies, contacts or tickets");
  const page = Math.max(1, Number(q.get("page")) || 1);
  return importRows(String(params.id), object.data, q.get("outcome"), page);
});
