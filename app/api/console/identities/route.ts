import { consoleRoute } from "@/lib/api/route";
import { searchIdentities } from "@/lib/identity/search";

export const dynamic = "force-dynamic";

/** Search by OpenID, code (forgiving), record id, email or name; no query lists recently linked people. */
export const GET = consoleRoute({}, async ({ request }) => ({
  people: await searchIdentities(new URL(request.url).searchParams.get("q") ?? ""),
}));
