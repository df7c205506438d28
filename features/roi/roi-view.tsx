"use client";

import { useMemo, useState } from "react";
import { Card } from "@/components/page-header";
import { formatPercent } from "@/features/funnel/format";
import { useRoi } from "./hooks";
import { RoiChart } from "./roi-chart";
import { SpendEntry } from "./spend-entry";

const field =
  "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";
const money = (v: number | null) =>
  v === null ? "—" : v.toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function RoiView({
  campaigns,
  canOperate,
}: {
  campaigns: { id: string; name: string }[];
  canOperate: boolean;
}) {
  const [params, setParams] = useState({ period: "month", campaignId: "" });
  const roi = useRoi(params);
  const rows = useMemo(() => roi.data?.rows ?? [], [roi.data]);
  const currencies = useMemo(
    () => [...new Set(rows.flatMap((r) => r.money.map((m) => m.currency)))].sort(),
    [rows],
  );
  const [chosen, setChosen] = useState("");
  const currency = currencies.includes(chosen) ? chosen : (currencies[0] ?? "");
  const chartData = useMemo(() => {
    const by = new Map<string, { campaign: string; spend: number; revenue: number }>();
    for (const r of rows) {
      const m = r.money.find((x) => x.currency === currency);
      if (!m) continue;
      const e = by.get(r.campaign) ?? { campaign: r.campaign, spend: 0, revenue: 0 };
      e.spend += m.spend;
      e.revenue += m.revenue;
      by.set(r.campaign, e);
    }
    return [...by.values()];
  }, [rows, currency]);
  return (
    <div className="grid gap-4">
      <Card>
        <form className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
          <label className="text-sm">
            <span className="block text-xs text-slate-500">Period</span>
            <select
              className={field}
              value={params.period}
              onChange={(e) => setParams({ ...params, period: e.target.value })}
              data-testid="roi-period"
            >
              <option value="month">Month</option>
              <option value="week">Week</option>
              <option value="all">All time</option>
            </select>
          </label>
          <label className="text-sm">
            <span className="block text-xs text-slate-500">Campaign</span>
            <select
              className={field}
              value={params.campaignId}
              onChange={(e) => setParams({ ...params, campaignId: e.target.value })}
            >
              <option value="">All campaigns</option>
              {campaigns.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          {currencies.length > 1 ? (
            <label className="text-sm">
              <span className="block text-xs text-slate-500">Chart currency</span>
              <select className={field} value={currency} onChange={(e) => setChosen(e.target.value)}>
                {currencies.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            </label>
          ) : null}
          {roi.data ? (
            <span className="text-xs text-slate-500">
              Value per enrolment: {roi.data.settings.valuePerEnrolment.toLocaleString("en")}{" "}
              {roi.data.settings.enrolmentCurrency}
            </span>
          ) : null}
        </form>
      </Card>
      <Card title={`Spend and revenue by campaign${currency ? ` (${currency})` : ""}`}>
        {chartData.length ? (
          <RoiChart data={chartData} currency={currency} />
        ) : (
          <p className="text-sm text-slate-500" data-testid="roi-empty">
            No spend or revenue yet.
          </p>
        )}
      </Card>
      <Card title="ROI per campaign and period">
        <div className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="roi-table">
            <thead>
              <tr>
                {[
                  "Campaign",
                  "Period",
                  "Leads",
                  "Applicants",
                  "Enrolments",
                  "Currency",
                  "Spend",
                  "Revenue",
                  "Cost / lead",
                  "Cost / applicant",
                  "Cost / enrolment",
                  "ROI",
                ].map((h) => (
                  <th key={h} scope="col" className="px-2 py-1 text-left text-xs uppercase text-slate-500">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.flatMap((r) =>
                (r.money.length ? r.money : [null]).map((m, i) => (
                  <tr
                    key={`${r.campaignId}-${r.period}-${i}`}
                    className="border-t border-slate-100 dark:border-slate-800"
                  >
                    <td className="px-2 py-1">{i === 0 ? r.campaign : ""}</td>
                    <td className="px-2 py-1">{i === 0 ? r.period : ""}</td>
                    <td className="px-2 py-1 tabular-nums">{r.leads}</td>
                    <td className="px-2 py-1 tabular-nums">{r.applicants}</td>
                    <td className="px-2 py-1 tabular-nums">{r.enrolments}</td>
                    <td className="px-2 py-1">{m?.currency ?? "—"}</td>
                    <td className="px-2 py-1 tabular-nums">{money(m?.spend ?? null)}</td>
                    <td className="px-2 py-1 tabular-nums">{money(m?.revenue ?? null)}</td>
                    <td className="px-2 py-1 tabular-nums">{money(m?.costPerLead ?? null)}</td>
                    <td className="px-2 py-1 tabular-nums">{money(m?.costPerApplicant ?? null)}</td>
                    <td className="px-2 py-1 tabular-nums">{money(m?.costPerEnrolment ?? null)}</td>
                    <td className="px-2 py-1 tabular-nums">{formatPercent(m?.roi ?? null)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      </Card>
      <SpendEntry campaigns={campaigns} canOperate={canOperate} />
    </div>
  );
}
