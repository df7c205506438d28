import { consoleRoute } from "@/lib/api/route";
import { issueApiKey, listApiKeys, ZApiKeyCreate } from "@/lib/api-keys/manage";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({ role: "ADMIN" }, async () => ({ keys: await listApiKeys() }));

/** Creates a key; the full key is in this answer only. */
export const POST = consoleRoute({ role: "ADMIN", body: ZApiKeyCreate }, async ({ staff, body }) => ({
  apiKey: await issueApiKey(staff, body),
}));
