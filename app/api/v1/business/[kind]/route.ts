import { z } from "zod";
import { apiKeyRoute } from "@/lib/api/route";
import { importBusinessRows } from "@/lib/warehouse/business-import";
import { parseBusinessKind } from "@/lib/warehouse/console";

const ZRows = z.array(z.record(z.string(), z.unknown())).max(50_000);
const ZBody = z.union([ZRows, z.object({ rows: ZRows })]);

/**
 * `POST /api/v1/business/{users,teams,memberships}` with an API key (scope business:write): a JSON
 * array of rows (or `{ rows }`), upserted; the answer lists every refused row with its reason.
 */
export const POST = apiKeyRoute(
  { scope: "business:write", body: ZBody, bodyLimit: 10 * 1024 * 1024 },
  async ({ params, body }) =>
    importBusinessRows(parseBusinessKind(params.kind), Array.isArray(body) ? body : body.rows),
);
