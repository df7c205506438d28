"use client";

import { useSetEventsMode } from "@/features/events/use-events";
import type { TEventsMode } from "@/lib/events/settings";

const TEXT: Record<TEventsMode, { label: string; detail: string; style: string }> = {
  disabled: {
    label: "Disabled",
    detail: "The events API answers 503 and stores nothing.",
    style:
      "border-slate-300 bg-slate-100 text-slate-800 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-200",
  },
  dry_run: {
    label: "Dry run",
    detail:
      "Events are accepted and checked against HubSpot's properties; what would be sent is recorded. Nothing is sent.",
    style:
      "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200",
  },
  live: {
    label: "Live",
    detail: "Accepted events update HubSpot contacts and their timelines.",
    style:
      "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-200",
  },
};

/** The environment's events mode, on every page that shows events; ADMINs can switch it here. */
export function ModeBanner({ mode, canEdit }: { mode: TEventsMode; canEdit: boolean }) {
  const setMode = useSetEventsMode();
  const t = TEXT[mode];
  return (
    <div
      className={`mb-4 flex flex-wrap items-center justify-between gap-3 rounded-lg border p-3 ${t.style}`}
      role="status"
    >
      <p className="text-sm">
        <strong data-testid="events-mode">Mode: {t.label}</strong> — {t.detail} Events accepted in dry run
        stay dry runs after switching to live.
      </p>
      {canEdit ? (
        <label className="flex items-center gap-2 text-sm">
          <span>Switch to</span>
          <select
            data-testid="events-mode-select"
            value={mode}
            disabled={setMode.isPending}
            onChange={(e) => {
              const next = e.target.value as TEventsMode;
              if (next === "live" && !window.confirm("Send lifecycle events to HubSpot for real?")) return;
              setMode.mutate(next);
            }}
            className="rounded border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
          >
            <option value="disabled">Disabled</option>
            <option value="dry_run">Dry run</option>
            <option value="live">Live</option>
          </select>
          {setMode.isError ? (
            <span role="alert" className="text-xs text-red-600">
              {setMode.error.message}
            </span>
          ) : null}
        </label>
      ) : null}
    </div>
  );
}
