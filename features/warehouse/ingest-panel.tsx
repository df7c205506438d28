"use client";

import { useState } from "react";
import { Card } from "@/components/page-header";
import { useRunIngest, useSaveWarehouseSettings, useWarehouseStatus, type TWarehouseStatus } from "./hooks";

const SCHEDULES = [
  { value: "every5m", label: "Every 5 minutes" },
  { value: "hourly", label: "Hourly" },
  { value: "daily", label: "Daily" },
  { value: "off", label: "Off (Run now only)" },
];

const when = (iso: string | null) => (iso ? iso.slice(0, 19).replace("T", " ") : "—");

/** Last runs (status, counts, duration), Run now (OPERATOR+), schedule and matching settings (ADMIN). */
export function IngestPanel({
  initial,
  canOperate,
  isAdmin,
}: {
  initial: TWarehouseStatus;
  canOperate: boolean;
  isAdmin: boolean;
}) {
  const { data } = useWarehouseStatus(initial);
  const run = useRunIngest();
  const save = useSaveWarehouseSettings();
  const [form, setForm] = useState(data.settings);
  const last = data.runs[0];
  const fetched = (r: TWarehouseStatus["runs"][number]) =>
    r.counts ? Object.values(r.counts).reduce((n, c) => n + (c?.fetched ?? 0), 0) : 0;
  return (
    <Card title="HubSpot ingest">
      <div className="flex flex-wrap items-center gap-3 text-sm" data-testid="last-run">
        {last ? (
          <span>
            Last run: <strong data-testid="last-run-status">{last.status}</strong> ({last.kind}), started{" "}
            {when(last.startedAt)} UTC
            {last.durationMs !== null ? `, ${(last.durationMs / 1000).toFixed(1)} s` : ""},{" "}
            {fetched(last).toLocaleString("en")} records read{last.error ? ` — ${last.error}` : ""}
          </span>
        ) : (
          <span data-testid="last-run-status">No ingest has run yet.</span>
        )}
        {canOperate ? (
          <span className="flex gap-2">
            <button
              type="button"
              className="rounded bg-brand-600 px-3 py-1.5 font-medium text-white disabled:opacity-50"
              disabled={run.isPending}
              onClick={() => run.mutate("incremental")}
              data-testid="run-now"
            >
              Run now
            </button>
            <button
              type="button"
              className="rounded border px-3 py-1.5 disabled:opacity-50"
              disabled={run.isPending}
              onClick={() => run.mutate("full")}
              data-testid="run-full"
            >
              Full refresh
            </button>
          </span>
        ) : null}
        {run.isSuccess ? <span role="status">Queued.</span> : null}
        {run.error ? <span className="text-red-600">{run.error.message}</span> : null}
      </div>
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer text-slate-600 dark:text-slate-400">Recent runs</summary>
        <table className="mt-2 w-full text-xs">
          <thead>
            <tr>
              {["Started (UTC)", "Kind", "Status", "Records", "API calls", "Duration"].map((h) => (
                <th key={h} scope="col" className="px-2 py-1 text-left">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.runs.map((r) => (
              <tr key={r.id} className="border-t border-slate-100 dark:border-slate-800">
                <td className="px-2 py-1">{when(r.startedAt)}</td>
                <td className="px-2 py-1">{r.kind}</td>
                <td className="px-2 py-1">{r.status}</td>
                <td className="px-2 py-1 tabular-nums">{fetched(r).toLocaleString("en")}</td>
                <td className="px-2 py-1 tabular-nums">
                  {r.counts ? Object.values(r.counts).reduce((n, c) => n + (c?.calls ?? 0), 0) : "—"}
                </td>
                <td className="px-2 py-1 tabular-nums">
                  {r.durationMs !== null ? `${(r.durationMs / 1000).toFixed(1)} s` : "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      {isAdmin ? (
        <form
          className="mt-3 flex flex-wrap items-end gap-3 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({
              schedule: form.schedule,
              teamMatchThreshold: form.teamMatchThreshold,
              portalCurrency: form.portalCurrency,
            });
          }}
        >
          <label>
            <span className="block text-xs text-slate-500">Schedule</span>
            <select
              value={form.schedule}
              onChange={(e) => setForm({ ...form, schedule: e.target.value })}
              className="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
            >
              {SCHEDULES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span className="block text-xs text-slate-500">Team match threshold (0.1–1)</span>
            <input
              type="number"
              min={0.1}
              max={1}
              step={0.05}
              value={form.teamMatchThreshold}
              onChange={(e) => setForm({ ...form, teamMatchThreshold: Number(e.target.value) })}
              className="w-24 rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
            />
          </label>
          <label>
            <span className="block text-xs text-slate-500">Portal currency</span>
            <input
              value={form.portalCurrency}
              maxLength={3}
              onChange={(e) => setForm({ ...form, portalCurrency: e.target.value })}
              className="w-20 rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
            />
          </label>
          <button type="submit" className="rounded border px-3 py-1.5" disabled={save.isPending}>
            Save settings
          </button>
          {save.isSuccess ? <span role="status">Saved.</span> : null}
          {save.error ? <span className="text-red-600">{save.error.message}</span> : null}
        </form>
      ) : null}
    </Card>
  );
}
