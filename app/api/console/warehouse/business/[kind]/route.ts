import { consoleRoute } from "@/lib/api/route";
import { parseBusinessKind, uploadBusinessCsv } from "@/lib/warehouse/console";

/** CSV upload of users, teams or memberships (body = the CSV text): good rows imported, bad ones reported. */
export const POST = consoleRoute({ role: "OPERATOR" }, async ({ request, params, staff }) =>
  uploadBusinessCsv(parseBusinessKind(params.kind), request, staff.id),
);
