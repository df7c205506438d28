import { consoleRoute } from "@/lib/api/route";
import { createCampaign, listCampaigns, ZCampaignInput } from "@/lib/campaigns/campaigns";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({}, async () => ({ campaigns: await listCampaigns() }));

/** Creates a campaign and its WeChat QR code (OPERATOR+); `qrError` says when WeChat could not make the code. */
export const POST = consoleRoute({ role: "OPERATOR", body: ZCampaignInput }, async ({ staff, body }) =>
  createCampaign(body, staff.id),
);
