"use client";

import { useState } from "react";
import { Card } from "@/components/page-header";
import { when } from "@/features/sync/format";
import { useBackfill, useStartBackfill, type TBackfillBody } from "@/features/sync/use-backfill";
import type { TBackfillProgress } from "@/lib/sync/backfill";

const DIRECTIONS = [
  { value: "both", label: "Both ways" },
  { value: "hubspot_to_stripe", label: "HubSpot contacts → Stripe" },
  { value: "stripe_to_hubspot", label: "Stripe customers → HubSpot" },
] as const;

const field =
  "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

function Side({
  name,
  side,
  skipped,
}: {
  name: string;
  side: TBackfillProgress["hubspot"];
  skipped: boolean;
}) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{name}</dt>
      <dd className="text-sm tabular-nums">
        {skipped ? "not part of this run" : `${side.sent} sent${side.done ? " · done" : " · in progress"}`}
      </dd>
    </div>
  );
}

/**
 * The initial sync (the engine's resumable backfill): its saved progress for everyone, and for an
 * OPERATOR the form that starts it, resumes a stalled run or restarts from the first page.
 */
export function BackfillCard({ initial, canStart }: { initial: TBackfillProgress; canStart: boolean }) {
  const { data: p } = useBackfill(initial);
  const start = useStartBackfill();
  const [direction, setDirection] = useState<TBackfillBody["direction"]>("both");
  const [stages, setStages] = useState("");
  const [restart, setRestart] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const resumable = p.status === "running" || p.status === "failed";

  const submit = () => {
    const lifecycleStages = stages
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    start.mutate(
      { direction, lifecycleStages, restart },
      {
        onSuccess: (r) =>
          setNotice(r.resumed ? "Resuming the saved run from its cursor." : "Initial sync requested."),
        onError: () => setNotice(null),
      },
    );
  };

  return (
    <Card title="Initial sync (backfill)">
      <dl className="grid grid-cols-2 gap-4 md:grid-cols-5" data-testid="backfill-progress">
        <div>
          <dt className="text-xs text-slate-500">Status</dt>
          <dd className="text-sm font-medium" data-testid="backfill-status">
            {p.status}
            {p.status === "idle" ? "" : ` · ${p.direction.replaceAll("_", " ")}`}
          </dd>
        </div>
        <Side name="HubSpot contacts" side={p.hubspot} skipped={p.direction === "stripe_to_hubspot"} />
        <Side name="Stripe customers" side={p.stripe} skipped={p.direction === "hubspot_to_stripe"} />
        <div>
          <dt className="text-xs text-slate-500">Started</dt>
          <dd className="text-sm tabular-nums">{when(p.startedAt)}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Last progress</dt>
          <dd className="text-sm tabular-nums">{when(p.updatedAt)}</dd>
        </div>
      </dl>
      {p.lifecycleStages.length > 0 ? (
        <p className="mt-2 text-xs text-slate-500">Lifecycle stages: {p.lifecycleStages.join(", ")}</p>
      ) : null}
      {p.error ? (
        <p className="mt-2 text-xs text-red-600" role="alert">
          {p.error}
        </p>
      ) : null}
      {canStart ? (
        <form
          className="mt-4 flex flex-wrap items-end gap-3 border-t border-slate-100 pt-3 dark:border-slate-800"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <label className="grid gap-1 text-xs text-slate-500">
            Direction
            <select
              value={direction}
              onChange={(e) => setDirection(e.target.value as TBackfillBody["direction"])}
              className={field}
              data-testid="backfill-direction"
            >
              {DIRECTIONS.map((d) => (
                <option key={d.value} value={d.value}>
                  {d.label}
                </option>
              ))}
            </select>
          </label>
          <label className="grid gap-1 text-xs text-slate-500">
            HubSpot lifecycle stages (optional, comma-separated)
            <input
              value={stages}
              onChange={(e) => setStages(e.target.value)}
              placeholder="customer, opportunity"
              className={`${field} w-64`}
              data-testid="backfill-stages"
            />
          </label>
          <label className="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
            <input type="checkbox" checked={restart} onChange={(e) => setRestart(e.target.checked)} />
            Start over from the first page
          </label>
          <button
            type="submit"
            // Not disabled while running: a stalled run may be resumed, and the server answers 409 for a live one.
            disabled={start.isPending}
            className="rounded bg-brand-600 px-3 py-1 text-sm text-white disabled:opacity-40"
            data-testid="backfill-start"
          >
            {resumable ? "Resume / start" : "Start initial sync"}
          </button>
        </form>
      ) : null}
      <p className="mt-2 text-xs text-slate-500" aria-live="polite">
        {start.isError ? (
          <span role="alert" className="text-red-600">
            {start.error.message}
          </span>
        ) : (
          (notice ??
          "Already-synced records are skipped cheaply, so running it again is safe; a stalled run resumes from its saved page.")
        )}
      </p>
    </Card>
  );
}
