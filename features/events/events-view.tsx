"use client";

import { useState } from "react";
import { Card } from "@/components/page-header";
import { MappingEditor } from "@/features/events/mapping-editor";
import { ModeBanner } from "@/features/events/mode-banner";
import { useEvents, type TEventFilterValues } from "@/features/events/use-events";
import type { TEventsOverview } from "@/lib/events/console";

const STATUSES = ["PENDING", "FAILED", "DRY_RUN", "SENT", "DEAD", "SKIPPED"] as const;
const STATUS_STYLE: Record<string, string> = {
  PENDING: "bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-200",
  FAILED: "bg-orange-100 text-orange-800 dark:bg-orange-900/40 dark:text-orange-300",
  DRY_RUN: "bg-amber-100 text-amber-800 dark:bg-amber-900/40 dark:text-amber-300",
  SENT: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/40 dark:text-emerald-300",
  DEAD: "bg-red-100 text-red-800 dark:bg-red-900/40 dark:text-red-300",
  SKIPPED: "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-400",
};

const input =
  "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";
const when = (iso: string) => iso.slice(0, 19).replace("T", " ");

export function EventsView({
  initial,
  eventTypes,
  canSwitchMode,
  canEditMapping,
}: {
  initial: TEventsOverview;
  eventTypes: string[];
  canSwitchMode: boolean;
  canEditMapping: boolean;
}) {
  const [filters, setFilters] = useState<TEventFilterValues>({ status: "", type: "", from: "", to: "" });
  const [open, setOpen] = useState<string | null>(null);
  const noFilter = Object.values(filters).every((v) => v === "");
  const { data, isFetching, error } = useEvents(filters, noFilter ? initial : undefined);
  const set = (k: keyof TEventFilterValues) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setFilters((f) => ({ ...f, [k]: e.target.value }));
  const view = data ?? initial;

  return (
    <>
      <ModeBanner mode={view.mode} canEdit={canSwitchMode} />
      <div className="grid gap-4">
        <Card title="Last 24 hours">
          <p className="text-sm" data-testid="events-counts">
            {STATUSES.map((s) => `${s.toLowerCase().replace("_", " ")} ${view.counts24h[s] ?? 0}`).join(
              " · ",
            )}
          </p>
        </Card>
        <Card title="Recent events">
          <form className="mb-3 flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
            <label className="grid text-xs text-slate-500">
              Status
              <select
                className={input}
                value={filters.status}
                onChange={set("status")}
                data-testid="filter-status"
              >
                <option value="">any</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <label className="grid text-xs text-slate-500">
              Type
              <select className={input} value={filters.type} onChange={set("type")} data-testid="filter-type">
                <option value="">any</option>
                {eventTypes.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </label>
            <label className="grid text-xs text-slate-500">
              From
              <input type="date" className={input} value={filters.from} onChange={set("from")} />
            </label>
            <label className="grid text-xs text-slate-500">
              To
              <input type="date" className={input} value={filters.to} onChange={set("to")} />
            </label>
            {isFetching ? <span className="text-xs text-slate-500">updating…</span> : null}
            {error ? (
              <span role="alert" className="text-xs text-red-600">
                {error.message}
              </span>
            ) : null}
          </form>
          {!data ? (
            <p className="text-sm text-slate-500">Loading…</p>
          ) : data.events.length === 0 ? (
            <p className="text-sm text-slate-500" data-testid="events-empty">
              No events match. Product apps send them to <code>POST /api/v1/events</code> with an API key
              (Settings).
            </p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-sm" data-testid="events-table">
                <thead>
                  <tr className="text-left text-xs uppercase tracking-wide text-slate-500">
                    {["Received", "Event id", "Type", "Status", "Mode", "Attempts", "Last error", ""].map(
                      (h) => (
                        <th key={h} className="px-2 py-2">
                          {h}
                        </th>
                      ),
                    )}
                  </tr>
                </thead>
                <tbody>
                  {data.events.map((e) => (
                    <FragmentRow
                      key={e.id}
                      e={e}
                      open={open === e.id}
                      toggle={() => setOpen(open === e.id ? null : e.id)}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <Card title="Property mapping">
          <MappingEditor mapping={view.mapping} isDefault={view.mappingIsDefault} canEdit={canEditMapping} />
        </Card>
      </div>
    </>
  );
}

function FragmentRow({
  e,
  open,
  toggle,
}: {
  e: TEventsOverview["events"][number];
  open: boolean;
  toggle: () => void;
}) {
  return (
    <>
      <tr className="border-t border-slate-100 dark:border-slate-800" data-testid={`event-row-${e.eventId}`}>
        <td className="px-2 py-2 tabular-nums">{when(e.receivedAt)}</td>
        <td className="px-2 py-2 font-mono text-xs">{e.eventId}</td>
        <td className="px-2 py-2 font-mono text-xs">{e.type}</td>
        <td className="px-2 py-2">
          <span className={`rounded px-2 py-0.5 text-xs font-medium ${STATUS_STYLE[e.status] ?? ""}`}>
            {e.status}
          </span>
        </td>
        <td className="px-2 py-2 text-xs">{e.mode === "live" ? "live" : "dry run"}</td>
        <td className="px-2 py-2 tabular-nums">{e.attemptCount}</td>
        <td
          className="max-w-xs truncate px-2 py-2 text-xs text-red-700 dark:text-red-400"
          title={e.lastError ?? ""}
        >
          {e.lastError ?? ""}
        </td>
        <td className="px-2 py-2">
          <button type="button" onClick={toggle} className="text-xs underline" aria-expanded={open}>
            {open ? "Hide" : "Payload"}
          </button>
        </td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={8} className="px-2 pb-3">
            <p className="mb-1 text-xs text-slate-500">Personal data (emails, phones, names) is masked.</p>
            <pre
              className="max-h-80 overflow-auto rounded bg-slate-50 p-2 text-xs dark:bg-slate-950"
              data-testid={`event-preview-${e.eventId}`}
            >
              {JSON.stringify(e.preview, null, 2)}
            </pre>
          </td>
        </tr>
      ) : null}
    </>
  );
}
