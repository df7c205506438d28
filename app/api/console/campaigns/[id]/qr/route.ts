import { consoleRoute } from "@/lib/api/route";
import { attachQr, campaignQrPng, getCampaign } from "@/lib/campaigns/campaigns";

export const dynamic = "force-dynamic";

/** The campaign's QR code as PNG; `?download=1` saves it as a file. */
export const GET = consoleRoute({}, async ({ request, params }) => {
  const { png, filename } = await campaignQrPng(String(params.id));
  const download = new URL(request.url).searchParams.get("download") === "1";
  return new Response(new Uint8Array(png), {
    headers: {
      "content-type": "image/png",
      "cache-control": "private, max-age=300",
      ...(download ? { "content-disposition": `attachment; filename="${filename}"` } : {}),
    },
  });
});

/** (Re)creates the QR code at WeChat for a campaign that has none (OPERATOR+). */
export const POST = consoleRoute({ role: "OPERATOR" }, async ({ staff, params }) => {
  const qrError = await attachQr(String(params.id), staff.id);
  return { campaign: await getCampaign(String(params.id)), qrError };
});
