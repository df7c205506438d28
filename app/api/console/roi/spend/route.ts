import { consoleRoute } from "@/lib/api/route";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { importCampaignSpend, listCampaignSpend, ZSpendRow } from "@/lib/analytics/campaign-spend";

export const GET = consoleRoute({}, async () => ({ spend: await listCampaignSpend() }));

/** One spend entry from the console form (same validation as the CSV rows), audited. */
export const POST = consoleRoute({ role: "OPERATOR", body: ZSpendRow }, async ({ staff, body }) => {
  const result = await importCampaignSpend([body]);
  if (result.errors.length > 0) {
    const e = result.errors[0]!;
    throw new AppError(
      "bad_request",
      `${e.field ?? "row"} ${e.message}`,
      e.field ? { [e.field]: e.message } : undefined,
    );
  }
  await recordAudit({ actorId: staff.id, action: "roi.spend.enter", details: body });
  return result;
});
