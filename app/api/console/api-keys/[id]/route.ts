import { consoleRoute } from "@/lib/api/route";
import { revokeApiKey } from "@/lib/api-keys/manage";

export const dynamic = "force-dynamic";

export const DELETE = consoleRoute({ role: "ADMIN" }, async ({ staff, params }) => ({
  apiKey: await revokeApiKey(staff, String(params.id)),
}));
