import { after } from "next/server";
import { apiKeyRoute } from "@/lib/api/route";
import { json } from "@/lib/api/respond";
import { ingestEvents } from "@/lib/events/ingest";

export const dynamic = "force-dynamic";

/**
 * Lifecycle events from product apps: `Authorization: Bearer rbk_…` with scope `events:write`;
 * one event, an array of ≤ 100, or `{ events: [...] }`. 202 with a result per event; see lib/events/ingest.ts.
 */
export const POST = apiKeyRoute({ scope: "events:write" }, async ({ request, apiKey }) => {
  const { status, body } = await ingestEvents(request, apiKey.id, { defer: after });
  return json(body, { status });
});
