import { consoleRoute } from "@/lib/api/route";
import { recordAudit } from "@/lib/audit";
import { importCampaignSpend } from "@/lib/analytics/campaign-spend";
import { refuseIfNothingImported } from "@/lib/warehouse/business-rows";
import { readCsvBody } from "@/lib/warehouse/console";

/** CSV of spend (date, campaign, amount, currency): good rows upserted, bad ones reported. */
export const POST = consoleRoute({ role: "OPERATOR" }, async ({ request, staff }) => {
  const result = await importCampaignSpend(await readCsvBody(request));
  refuseIfNothingImported(result);
  await recordAudit({
    actorId: staff.id,
    action: "roi.spend.upload",
    details: { received: result.received, imported: result.imported, errors: result.errors.length },
  });
  return result;
});
