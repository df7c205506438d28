"use client";

import { useState } from "react";
import { useView, viewSearch, type TViewParams } from "./hooks";

const LABELS: Record<string, string> = {
  contacts_to_users: "Contacts to users",
  team_spending: "Team spending",
  company_deals: "Company deals",
};

const input =
  "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

function cell(v: string | number | null, column: string): string {
  if (v === null || v === undefined) return "—";
  if (column === "close_date") return String(v).slice(0, 10);
  if (column === "match_score") return Number(v).toFixed(2);
  if (/spend|amount/.test(column)) {
    return Number(v).toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  return String(v);
}

/** One warehouse view: server-side sort (click a header), filter, currency, paging, CSV export. */
export function ViewTable({ view, columns }: { view: string; columns: readonly string[] }) {
  const [params, setParams] = useState<TViewParams>({
    dir: "desc",
    q: "",
    currency: "",
    page: 1,
    pageSize: 25,
  });
  const { data, isFetching, error } = useView(view, params);
  const set = (p: Partial<TViewParams>) => setParams((old) => ({ ...old, page: 1, ...p }));
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const { page: _p, pageSize: _s, ...exportParams } = params;
  return (
    <div data-testid={`view-${view}`}>
      <div className="mb-3 flex flex-wrap items-end gap-3">
        <label className="text-sm">
          <span className="block text-xs text-slate-500">Filter</span>
          <input
            className={input}
            value={params.q}
            placeholder="name, email or id"
            onChange={(e) => set({ q: e.target.value })}
            data-testid={`filter-${view}`}
          />
        </label>
        <label className="text-sm">
          <span className="block text-xs text-slate-500">Currency</span>
          <input
            className={`${input} w-20`}
            value={params.currency}
            maxLength={3}
            placeholder="any"
            onChange={(e) =>
              set({
                currency: e.target.value.length === 3 || !e.target.value ? e.target.value : params.currency,
              })
            }
          />
        </label>
        <a
          className="rounded bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
          href={`/api/console/warehouse/views/${view}/export?${viewSearch(exportParams)}`}
          download
          data-testid={`export-${view}`}
        >
          Export CSV
        </a>
        <span className="text-xs text-slate-500" aria-live="polite">
          {data ? `${data.totalIsEstimate ? "about " : ""}${data.total.toLocaleString("en")} rows` : ""}{" "}
          {isFetching ? "· loading…" : ""}
        </span>
      </div>
      {error ? <p className="text-sm text-red-600">{error.message}</p> : null}
      <div className="overflow-x-auto">
        <table className="w-full" aria-label={LABELS[view]}>
          <thead>
            <tr>
              {columns.map((c) => {
                const active = data?.sort === c;
                return (
                  <th
                    key={c}
                    scope="col"
                    aria-sort={active ? (params.dir === "asc" ? "ascending" : "descending") : "none"}
                    className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500"
                  >
                    <button
                      type="button"
                      className="uppercase hover:underline"
                      onClick={() => set({ sort: c, dir: active && params.dir === "desc" ? "asc" : "desc" })}
                    >
                      {c}
                      {active ? (params.dir === "asc" ? " ▲" : " ▼") : ""}
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {(data?.rows ?? []).map((r, i) => (
              <tr key={i} className="border-t border-slate-100 dark:border-slate-800">
                {columns.map((c) => (
                  <td key={c} className="px-3 py-1.5 text-sm tabular-nums">
                    {cell(r[c] ?? null, c)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {data && data.rows.length === 0 ? (
          <p className="p-3 text-sm text-slate-500" data-testid={`empty-${view}`}>
            No rows. Run an ingest and import the business tables to fill this view.
          </p>
        ) : null}
      </div>
      <nav className="mt-3 flex items-center gap-2 text-sm" aria-label={`${LABELS[view]} pages`}>
        <button
          type="button"
          className="rounded border px-2 py-1 disabled:opacity-40"
          disabled={params.page <= 1}
          onClick={() => setParams((o) => ({ ...o, page: o.page - 1 }))}
        >
          Previous
        </button>
        <span>
          Page {params.page} of {pages}
        </span>
        <button
          type="button"
          className="rounded border px-2 py-1 disabled:opacity-40"
          disabled={params.page >= pages}
          onClick={() => setParams((o) => ({ ...o, page: o.page + 1 }))}
        >
          Next
        </button>
      </nav>
    </div>
  );
}
