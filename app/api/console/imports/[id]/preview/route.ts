import { consoleRoute } from "@/lib/api/route";
import { requestPreview } from "@/lib/imports/console";

export const dynamic = "force-dynamic";

export const POST = consoleRoute({ role: "OPERATOR" }, async ({ staff, params }) =>
  requestPreview(String(params.id), staff.id),
);
