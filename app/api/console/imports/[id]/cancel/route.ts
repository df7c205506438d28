import { consoleRoute } from "@/lib/api/route";
import { cancelImport } from "@/lib/imports/console";

export const dynamic = "force-dynamic";

export const POST = consoleRoute({ role: "OPERATOR" }, async ({ staff, params }) =>
  cancelImport(String(params.id), staff.id),
);
