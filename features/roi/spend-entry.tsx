"use client";

import { useState } from "react";
import { Card } from "@/components/page-header";
import { useCsvUpload } from "@/features/warehouse/hooks";
import { UploadResult } from "@/features/warehouse/upload-result";
import { useEnterSpend, useSpend } from "./hooks";
import { roiKeys } from "./keys";

const field =
  "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

/** Campaign spend: one entry by hand, or a CSV (date, campaign, amount, currency). */
export function SpendEntry({
  campaigns,
  canOperate,
}: {
  campaigns: { id: string; name: string }[];
  canOperate: boolean;
}) {
  const spend = useSpend();
  const enter = useEnterSpend();
  const upload = useCsvUpload(() => "/api/console/roi/spend/upload", roiKeys.all);
  const [form, setForm] = useState({
    date: new Date().toISOString().slice(0, 10),
    campaign: campaigns[0]?.name ?? "",
    amount: "",
    currency: "CNY",
  });
  const [file, setFile] = useState<File | null>(null);
  return (
    <Card title="Campaign spend">
      {canOperate ? (
        <div className="grid gap-3">
          <form
            className="flex flex-wrap items-end gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              enter.mutate(form);
            }}
          >
            <label className="text-sm">
              <span className="block text-xs text-slate-500">Date</span>
              <input
                type="date"
                required
                className={field}
                value={form.date}
                onChange={(e) => setForm({ ...form, date: e.target.value })}
              />
            </label>
            <label className="text-sm">
              <span className="block text-xs text-slate-500">Campaign</span>
              <select
                className={field}
                value={form.campaign}
                onChange={(e) => setForm({ ...form, campaign: e.target.value })}
                data-testid="spend-campaign"
              >
                {campaigns.map((c) => (
                  <option key={c.id} value={c.name}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="text-sm">
              <span className="block text-xs text-slate-500">Amount</span>
              <input
                required
                inputMode="decimal"
                className={`${field} w-28`}
                value={form.amount}
                onChange={(e) => setForm({ ...form, amount: e.target.value })}
                data-testid="spend-amount"
              />
            </label>
            <label className="text-sm">
              <span className="block text-xs text-slate-500">Currency</span>
              <input
                required
                maxLength={3}
                className={`${field} w-20`}
                value={form.currency}
                onChange={(e) => setForm({ ...form, currency: e.target.value })}
              />
            </label>
            <button
              type="submit"
              className="rounded bg-brand-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
              disabled={enter.isPending || !campaigns.length}
              data-testid="spend-save"
            >
              Save spend
            </button>
            {enter.error ? <span className="text-sm text-red-600">{enter.error.message}</span> : null}
          </form>
          <form
            className="flex flex-wrap items-end gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              if (file) upload.mutate({ kind: "spend", file });
            }}
          >
            <label className="text-sm">
              <span className="block text-xs text-slate-500">CSV (date, campaign, amount, currency)</span>
              <input
                type="file"
                accept=".csv,text/csv"
                onChange={(e) => setFile(e.target.files?.[0] ?? null)}
                data-testid="spend-file"
              />
            </label>
            <button
              type="submit"
              className="rounded border px-3 py-1.5 text-sm disabled:opacity-50"
              disabled={!file || upload.isPending}
              data-testid="spend-upload"
            >
              Upload
            </button>
          </form>
          {upload.error ? <p className="text-sm text-red-600">{upload.error.message}</p> : null}
          {upload.data ? <UploadResult result={upload.data} testId="spend-result" /> : null}
        </div>
      ) : null}
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer text-slate-600 dark:text-slate-400">
          Entered spend ({spend.data?.length ?? 0})
        </summary>
        <table className="mt-2 w-full text-xs">
          <thead>
            <tr>
              {["Date", "Campaign", "Amount", "Currency"].map((h) => (
                <th key={h} scope="col" className="px-2 py-1 text-left">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(spend.data ?? []).map((s) => (
              <tr key={s.id} className="border-t border-slate-100 dark:border-slate-800">
                <td className="px-2 py-1">{s.date}</td>
                <td className="px-2 py-1">{s.campaign}</td>
                <td className="px-2 py-1 tabular-nums">{s.amount}</td>
                <td className="px-2 py-1">{s.currency}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </Card>
  );
}
