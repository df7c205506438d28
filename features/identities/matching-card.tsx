"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Card } from "@/components/page-header";
import { fetchJson } from "@/features/fetch-json";
import type { TIdentitySettings } from "@/lib/identity/settings";

/**
 * Matching settings (ADMIN edits; everyone reads) and the backstops on demand (OPERATOR+): where codes
 * are typed and OpenIDs written in HubSpot and OpenApply, and the nightly reconciliation's hour and zone.
 */

const FIELDS: { key: keyof TIdentitySettings; label: string }[] = [
  { key: "hubspotCodeProperty", label: "HubSpot code property" },
  { key: "hubspotOpenidProperty", label: "HubSpot OpenID property" },
  { key: "openapplyCodeField", label: "OpenApply code field" },
  { key: "openapplyOpenidField", label: "OpenApply OpenID field" },
];

const JOBS = [
  { job: "reconcile", label: "Reconcile now" },
  { job: "openapply-poll", label: "Poll OpenApply now" },
  { job: "hubspot-catch-up", label: "HubSpot catch-up now" },
] as const;

const inputClass =
  "w-full rounded border border-slate-300 bg-white px-2 py-1 text-sm disabled:bg-slate-50 dark:border-slate-700 dark:bg-slate-900";

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return ["Asia/Shanghai", "Asia/Hong_Kong", "UTC"];
  }
}

function RunButtons() {
  const run = useMutation({
    mutationFn: (job: string) =>
      fetchJson<{ requested: { job: string } }>("/api/console/identities/run", {
        method: "POST",
        body: JSON.stringify({ job }),
      }),
  });
  return (
    <div className="mt-4 flex flex-wrap items-center gap-2 border-t border-slate-100 pt-3 dark:border-slate-800">
      {JOBS.map((j) => (
        <button
          key={j.job}
          type="button"
          disabled={run.isPending}
          onClick={() => run.mutate(j.job)}
          className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800"
        >
          {j.label}
        </button>
      ))}
      {run.isSuccess ? (
        <span role="status" className="text-xs text-emerald-700 dark:text-emerald-400">
          Started {run.data.requested.job}.
        </span>
      ) : null}
      {run.error ? (
        <span role="alert" className="text-xs text-red-600">
          {run.error.message}
        </span>
      ) : null}
    </div>
  );
}

export function MatchingCard({
  initial,
  canEdit,
  canRun,
}: {
  initial: TIdentitySettings;
  canEdit: boolean;
  canRun: boolean;
}) {
  const [draft, setDraft] = useState(initial);
  const save = useMutation({
    mutationFn: (settings: TIdentitySettings) =>
      fetchJson<{ settings: TIdentitySettings }>("/api/console/identities/settings", {
        method: "PUT",
        body: JSON.stringify(settings),
      }),
    onSuccess: (r) => setDraft(r.settings),
  });
  const hh = String(draft.reconcileHour).padStart(2, "0");
  return (
    <Card title="Matching">
      <p className="mb-3 text-sm text-slate-500" data-testid="reconcile-schedule">
        Nightly reconciliation at {hh}:00 {draft.reconcileTimeZone}; OpenApply polled every 5 minutes; HubSpot
        catch-up every 10 minutes.{canEdit ? "" : " Editing needs the ADMIN role."}
      </p>
      <form
        className="grid gap-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(draft);
        }}
      >
        {FIELDS.map((f) => (
          <label key={f.key} className="grid gap-1 text-xs text-slate-600 dark:text-slate-300">
            {f.label}
            <input
              value={String(draft[f.key])}
              disabled={!canEdit}
              onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })}
              className={`${inputClass} font-mono`}
            />
          </label>
        ))}
        <label className="grid gap-1 text-xs text-slate-600 dark:text-slate-300">
          Reconciliation time zone
          <input
            list="identity-time-zones"
            value={draft.reconcileTimeZone}
            disabled={!canEdit}
            onChange={(e) => setDraft({ ...draft, reconcileTimeZone: e.target.value })}
            className={inputClass}
          />
          <datalist id="identity-time-zones">
            {timeZones().map((tz) => (
              <option key={tz} value={tz} />
            ))}
          </datalist>
        </label>
        <label className="grid gap-1 text-xs text-slate-600 dark:text-slate-300">
          Reconciliation hour (local)
          <select
            value={draft.reconcileHour}
            disabled={!canEdit}
            onChange={(e) => setDraft({ ...draft, reconcileHour: Number(e.target.value) })}
            className={inputClass}
          >
            {Array.from({ length: 24 }, (_, h) => (
              <option key={h} value={h}>
                {String(h).padStart(2, "0")}:00
              </option>
            ))}
          </select>
        </label>
        {canEdit ? (
          <div className="flex items-center gap-2 sm:col-span-2">
            <button
              type="submit"
              disabled={save.isPending}
              className="rounded bg-slate-900 px-3 py-1 text-sm text-white disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900"
            >
              Save matching settings
            </button>
            {save.isSuccess ? (
              <span role="status" className="text-xs text-emerald-700 dark:text-emerald-400">
                Saved.
              </span>
            ) : null}
            {save.error ? (
              <span role="alert" className="text-xs text-red-600">
                {save.error.message}
              </span>
            ) : null}
          </div>
        ) : null}
      </form>
      {canRun ? <RunButtons /> : null}
    </Card>
  );
}
