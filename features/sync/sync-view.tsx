"use client";

import Link from "next/link";
import { Card } from "@/components/page-header";
import { ageSeconds, duration, percent } from "@/features/sync/format";
import { CallsChart, GovernorCard } from "@/features/sync/governor-card";
import { LagChart, OutcomesChart, ThroughputChart } from "@/features/sync/sync-charts";
import { useSyncMetrics } from "@/features/sync/use-sync-metrics";
import type { TSyncMetrics } from "@/lib/sync-console/metrics";

function Figure({
  label,
  value,
  testId,
  hint,
}: {
  label: string;
  value: string | number;
  testId: string;
  hint?: string;
}) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-2xl font-semibold tabular-nums" data-testid={testId}>
        {value}
      </dd>
      {hint ? <dd className="text-xs text-slate-500">{hint}</dd> : null}
    </div>
  );
}

/** The Sync page's Health tab: figures and charts, refreshed every 5 s. */
export function SyncView({ initial }: { initial: TSyncMetrics }) {
  const { data, isError, error, dataUpdatedAt } = useSyncMetrics(initial);
  const { totals, inbox, deadLetters } = data;
  return (
    <div className="grid gap-4">
      <Card title={`Last ${data.windowMinutes} minutes`}>
        <dl className="grid grid-cols-2 gap-4 md:grid-cols-4 lg:grid-cols-8">
          <Figure
            label="Inbox backlog"
            value={inbox.backlog}
            testId="sync-backlog"
            hint="accepted, not processed"
          />
          <Figure label="Oldest waiting" value={ageSeconds(inbox.oldestAgeSeconds)} testId="sync-oldest" />
          <Figure
            label="Success rate"
            value={percent(totals.successRate)}
            testId="sync-success-rate"
            hint="succeeded ÷ (succeeded + dead-lettered)"
          />
          <Figure
            label="Failed attempts"
            value={totals.failed}
            testId="sync-failed"
            hint={`${totals.failed - totals.retries} of them dead-lettered`}
          />
          <Figure
            label="Open dead letters"
            value={deadLetters.open}
            testId="sync-dead-letters"
            hint={`${deadLetters.createdInWindow} new in window`}
          />
          <Figure
            label="Echoes dropped"
            value={totals.echoesSuppressed}
            testId="sync-echoes"
            hint={`${totals.nearMisses} near-misses synced`}
          />
          <Figure label="Lag p50" value={duration(totals.lagP50Ms)} testId="sync-lag-p50" />
          <Figure label="Lag p95" value={duration(totals.lagP95Ms)} testId="sync-lag-p95" />
        </dl>
        <p className="mt-3 text-xs text-slate-500" aria-live="polite">
          {isError ? (
            <span role="alert" className="text-red-600">
              Could not refresh: {error.message}. Showing the last figures received.
            </span>
          ) : (
            <>Updated {new Date(dataUpdatedAt).toLocaleTimeString()} · refreshes every 5 s</>
          )}
          {deadLetters.open > 0 ? (
            <>
              {" · "}
              <Link href="/dead-letters" className="underline">
                inspect and replay dead letters
              </Link>
            </>
          ) : null}
        </p>
      </Card>
      <GovernorCard data={data} />
      <div className="grid gap-4 xl:grid-cols-2">
        <ThroughputChart minutes={data.minutes} />
        <OutcomesChart minutes={data.minutes} />
        <LagChart minutes={data.minutes} p50={totals.lagP50Ms} p95={totals.lagP95Ms} />
        <CallsChart data={data} />
      </div>
      {data.lagByDirection.length > 0 ? (
        <Card title="Lag by direction">
          <table className="w-full" data-testid="lag-by-direction">
            <thead>
              <tr>
                {["Direction", "Writes", "p50", "p95"].map((h) => (
                  <th
                    key={h}
                    scope="col"
                    className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500"
                  >
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.lagByDirection.map((d) => (
                <tr key={d.direction} className="border-t border-slate-100 dark:border-slate-800">
                  <td className="px-3 py-2 text-sm">{d.direction.replaceAll("_", " ")}</td>
                  <td className="px-3 py-2 text-sm tabular-nums">{d.count}</td>
                  <td className="px-3 py-2 text-sm tabular-nums">{duration(d.p50Ms)}</td>
                  <td className="px-3 py-2 text-sm tabular-nums">{duration(d.p95Ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      ) : null}
    </div>
  );
}
