"use client";

import { useState } from "react";
import { Card } from "@/components/page-header";
import { FunnelChart } from "./funnel-chart";
import { formatDuration, formatPercent } from "./format";
import { useFunnel, useFunnelPeople } from "./hooks";

const field =
  "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

interface TDrill {
  stage: string;
  stageLabel: string;
  group?: string;
  groupLabel?: string;
  dropped: boolean;
}

export function FunnelView() {
  const [filters, setFilters] = useState({ groupBy: "campaign", from: "", to: "" });
  const [drill, setDrill] = useState<TDrill | null>(null);
  const [page, setPage] = useState(1);
  const funnel = useFunnel(filters);
  const people = useFunnelPeople(
    drill
      ? {
          ...filters,
          stage: drill.stage,
          dropped: drill.dropped,
          ...(drill.group !== undefined ? { group: drill.group } : {}),
          page,
          pageSize: 25,
        }
      : null,
  );
  const open = (d: TDrill) => {
    setDrill(d);
    setPage(1);
  };
  const data = funnel.data;
  return (
    <div className="grid gap-4">
      <Card>
        <form className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
          <label className="text-sm">
            <span className="block text-xs text-slate-500">Group by</span>
            <select
              className={field}
              value={filters.groupBy}
              onChange={(e) => setFilters({ ...filters, groupBy: e.target.value })}
              data-testid="funnel-group-by"
            >
              <option value="campaign">Campaign (QR scene)</option>
              <option value="week">Cohort: week of first touch</option>
              <option value="month">Cohort: month of first touch</option>
              <option value="none">Everyone</option>
            </select>
          </label>
          <label className="text-sm">
            <span className="block text-xs text-slate-500">First touch from</span>
            <input
              type="date"
              className={field}
              value={filters.from}
              onChange={(e) => setFilters({ ...filters, from: e.target.value })}
            />
          </label>
          <label className="text-sm">
            <span className="block text-xs text-slate-500">to</span>
            <input
              type="date"
              className={field}
              value={filters.to}
              onChange={(e) => setFilters({ ...filters, to: e.target.value })}
            />
          </label>
          <span className="text-xs text-slate-500" aria-live="polite">
            {funnel.isFetching ? "loading…" : ""}
          </span>
        </form>
        {funnel.error ? <p className="mt-2 text-sm text-red-600">{funnel.error.message}</p> : null}
      </Card>
      {data ? (
        <>
          <Card title="All people">
            {data.total.stages[0]?.count === 0 ? (
              <p className="text-sm text-slate-500" data-testid="funnel-empty">
                No followers in this range yet.
              </p>
            ) : (
              <FunnelChart stages={data.total.stages} />
            )}
            <div className="overflow-x-auto">
              <table className="w-full text-sm" data-testid="funnel-table">
                <caption className="sr-only">Funnel stages with conversion and median time</caption>
                <thead>
                  <tr>
                    {[
                      "Stage",
                      "People",
                      "Conversion from previous",
                      "Median time from previous",
                      "Drill down",
                    ].map((h) => (
                      <th
                        key={h}
                        scope="col"
                        className="px-3 py-2 text-left text-xs font-semibold uppercase text-slate-500"
                      >
                        {h}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.total.stages.map((s) => (
                    <tr key={s.key} className="border-t border-slate-100 dark:border-slate-800">
                      <th scope="row" className="px-3 py-1.5 text-left font-normal">
                        {s.label}
                      </th>
                      <td className="px-3 py-1.5 tabular-nums">{s.count.toLocaleString("en")}</td>
                      <td className="px-3 py-1.5 tabular-nums">{formatPercent(s.conversion)}</td>
                      <td className="px-3 py-1.5 tabular-nums">{formatDuration(s.medianSeconds)}</td>
                      <td className="px-3 py-1.5">
                        <button
                          type="button"
                          className="text-brand-600 underline"
                          onClick={() => open({ stage: s.key, stageLabel: s.label, dropped: false })}
                        >
                          people
                        </button>{" "}
                        <button
                          type="button"
                          className="text-brand-600 underline"
                          onClick={() => open({ stage: s.key, stageLabel: s.label, dropped: true })}
                        >
                          stopped here
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
          {filters.groupBy !== "none" ? (
            <Card title={filters.groupBy === "campaign" ? "By campaign" : "By cohort"}>
              <div className="overflow-x-auto">
                <table className="w-full text-xs" data-testid="funnel-groups">
                  <thead>
                    <tr>
                      <th scope="col" className="px-2 py-1 text-left">
                        {filters.groupBy === "campaign" ? "Campaign" : "Cohort"}
                      </th>
                      {data.total.stages.map((s) => (
                        <th key={s.key} scope="col" className="px-2 py-1 text-right">
                          {s.label}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {data.groups.map((g) => (
                      <tr key={g.key} className="border-t border-slate-100 dark:border-slate-800">
                        <th scope="row" className="px-2 py-1 text-left font-normal">
                          {g.label}
                        </th>
                        {g.stages.map((s) => (
                          <td key={s.key} className="px-2 py-1 text-right tabular-nums">
                            <button
                              type="button"
                              className="underline decoration-dotted"
                              title={`Conversion ${formatPercent(s.conversion)}, median ${formatDuration(s.medianSeconds)}`}
                              onClick={() =>
                                open({
                                  stage: s.key,
                                  stageLabel: s.label,
                                  group: g.key,
                                  groupLabel: g.label,
                                  dropped: false,
                                })
                              }
                            >
                              {s.count.toLocaleString("en")}
                            </button>
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Card>
          ) : null}
        </>
      ) : null}
      {drill ? (
        <Card
          title={`${drill.dropped ? "Stopped at" : "Reached"}: ${drill.stageLabel}${drill.groupLabel ? ` · ${drill.groupLabel}` : ""}`}
        >
          <div data-testid="funnel-people">
            <p className="mb-2 text-xs text-slate-500">
              {people.data ? `${people.data.total.toLocaleString("en")} people` : "loading…"}
            </p>
            <table className="w-full text-sm">
              <thead>
                <tr>
                  {[
                    "OpenID",
                    "Campaign",
                    "First touch (UTC)",
                    "Code",
                    "HubSpot contact",
                    "Furthest stage",
                  ].map((h) => (
                    <th key={h} scope="col" className="px-2 py-1 text-left text-xs uppercase text-slate-500">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {(people.data?.people ?? []).map((p) => (
                  <tr key={p.openid} className="border-t border-slate-100 dark:border-slate-800">
                    <td className="px-2 py-1 font-mono text-xs">{p.openid}</td>
                    <td className="px-2 py-1">{p.campaign ?? "—"}</td>
                    <td className="px-2 py-1">{p.firstTouch.slice(0, 16).replace("T", " ")}</td>
                    <td className="px-2 py-1 font-mono text-xs">{p.code ?? "—"}</td>
                    <td className="px-2 py-1">{p.contactId ?? "—"}</td>
                    <td className="px-2 py-1">{p.furthestStage}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {people.data && people.data.total > people.data.pageSize ? (
              <nav className="mt-2 flex gap-2 text-sm" aria-label="People pages">
                <button
                  type="button"
                  className="rounded border px-2 py-1 disabled:opacity-40"
                  disabled={page <= 1}
                  onClick={() => setPage(page - 1)}
                >
                  Previous
                </button>
                <span>
                  Page {page} of {Math.ceil(people.data.total / people.data.pageSize)}
                </span>
                <button
                  type="button"
                  className="rounded border px-2 py-1 disabled:opacity-40"
                  disabled={page * people.data.pageSize >= people.data.total}
                  onClick={() => setPage(page + 1)}
                >
                  Next
                </button>
              </nav>
            ) : null}
          </div>
        </Card>
      ) : null}
    </div>
  );
}
