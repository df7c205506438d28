import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import type { TRowError } from "@/lib/warehouse/business-rows";
import { normaliseRow } from "@/lib/warehouse/business-rows";

/**
 * Campaign spend, entered in the console or uploaded as CSV (date, campaign, amount, currency).
 * One row per campaign, day and currency: entering the same again replaces the amount (upsert).
 */

export const ZSpendRow = z.object({
  date: z.iso.date("must be a date as YYYY-MM-DD"),
  /** The campaign's name or its QR scene. */
  campaign: z.string({ error: "is required" }).trim().min(1, "is required").max(200),
  amount: z.preprocess(
    (v) => (typeof v === "number" ? String(v) : typeof v === "string" ? v.replace(/,/g, "").trim() : v),
    z
      .string({ error: "is required" })
      .regex(/^\d{1,16}(\.\d{1,2})?$/, "must be a non-negative amount with at most 2 decimals"),
  ),
  currency: z
    .string({ error: "is required" })
    .trim()
    .regex(/^[A-Za-z]{3}$/, "must be a 3-letter currency code such as CNY")
    .transform((s) => s.toUpperCase()),
});
export type TSpendRow = z.infer<typeof ZSpendRow>;

export async function importCampaignSpend(
  rows: Record<string, unknown>[],
): Promise<{ received: number; imported: number; errors: TRowError[] }> {
  const campaigns = await db().campaign.findMany({ select: { id: true, name: true, scene: true } });
  const byName = new Map<string, string>();
  for (const c of campaigns) {
    byName.set(c.scene.toLowerCase(), c.id);
    byName.set(c.name.toLowerCase(), c.id);
  }
  const errors: TRowError[] = [];
  const good = new Map<string, { row: number; campaignId: string; value: TSpendRow }>();
  rows.forEach((raw, i) => {
    const row = i + 1;
    const parsed = ZSpendRow.safeParse(normaliseRow(raw));
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        errors.push({ row, field: issue.path.join(".") || undefined, message: issue.message });
      return;
    }
    const campaignId = byName.get(parsed.data.campaign.toLowerCase());
    if (!campaignId) {
      errors.push({ row, field: "campaign", message: `no campaign named "${parsed.data.campaign}"` });
      return;
    }
    const key = `${campaignId}|${parsed.data.date}|${parsed.data.currency}`;
    const first = good.get(key);
    if (first) {
      errors.push({ row, message: `duplicate of row ${first.row} (same campaign, date and currency)` });
      return;
    }
    good.set(key, { row, campaignId, value: parsed.data });
  });
  const accepted = [...good.values()];
  await db().$transaction(
    accepted.map((g) =>
      db().campaignSpend.upsert({
        where: {
          campaignId_date_currency: {
            campaignId: g.campaignId,
            date: new Date(`${g.value.date}T00:00:00Z`),
            currency: g.value.currency,
          },
        },
        create: {
          campaignId: g.campaignId,
          date: new Date(`${g.value.date}T00:00:00Z`),
          currency: g.value.currency,
          amount: g.value.amount,
        },
        update: { amount: g.value.amount },
      }),
    ),
  );
  errors.sort((a, b) => a.row - b.row);
  return { received: rows.length, imported: accepted.length, errors };
}

export async function listCampaigns() {
  return db().campaign.findMany({ select: { id: true, name: true, scene: true }, orderBy: { name: "asc" } });
}

export async function listCampaignSpend(limit = 200) {
  const rows = await db().campaignSpend.findMany({
    orderBy: [{ date: "desc" }, { createdAt: "desc" }],
    take: Math.min(limit, 1000),
    include: { campaign: { select: { name: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    campaign: r.campaign.name,
    date: r.date.toISOString().slice(0, 10),
    amount: r.amount.toString(),
    currency: r.currency,
  }));
}
