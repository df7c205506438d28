import { publicRoute } from "@/lib/api/route";
import { receiveHubspotWebhook } from "@/lib/inbox/receive";

export const dynamic = "force-dynamic";

/** HubSpot webhook (v3 signature, batches of ≤ 100): inbox first, then Inngest; 200 once stored. */
export const POST = publicRoute(async (request) => ({
  received: true,
  ...(await receiveHubspotWebhook(request)),
}));
