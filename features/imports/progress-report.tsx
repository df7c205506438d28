"use client";

import { Card } from "@/components/page-header";
import { pct } from "@/features/imports/styles";
import type { TImportReport } from "@/lib/imports/report";

/** Live progress (bar, counts, pace, ETA) while running; the report with downloads once finished. */
export function ProgressReport({ jobId, report }: { jobId: string; report: TImportReport }) {
  const { total, done } = report.totals;
  const share = total ? done / total : 0;
  const base = `/api/console/imports/${encodeURIComponent(jobId)}`;
  return (
    <Card title="4 · Progress and report">
      <div
        className="h-3 w-full overflow-hidden rounded bg-slate-200 dark:bg-slate-800"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        data-testid="import-progress"
      >
        <div className="h-full bg-emerald-600 transition-all" style={{ width: `${share * 100}%` }} />
      </div>
      <p className="mt-1 text-sm" data-testid="import-progress-text">
        {done} of {total} rows ({pct(share)}) · {report.status.toLowerCase()}
        {report.recordsPerSecond ? ` · ${report.recordsPerSecond} records/s` : ""}
        {report.etaSeconds !== null ? ` · about ${report.etaSeconds}s left` : ""}
      </p>
      <table className="mt-3 w-full text-sm" data-testid="import-report">
        <thead>
          <tr className="text-left text-xs uppercase text-slate-500">
            <th className="py-1">object</th>
            <th>created</th>
            <th>updated</th>
            <th>skipped</th>
            <th>failed</th>
            <th>associated</th>
            <th>success</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {report.objects.map((o) => (
            <tr
              key={o.object}
              className="border-t border-slate-100 dark:border-slate-800"
              data-testid={`report-${o.object}`}
            >
              <td className="py-1 font-medium">{o.object}</td>
              <td>{o.created}</td>
              <td>{o.updated}</td>
              <td>{o.skipped}</td>
              <td>{o.failed}</td>
              <td>
                {o.associated}
                {o.associationsMissing ? (
                  <span className="text-xs text-amber-700"> ({o.associationsMissing} unmatched)</span>
                ) : null}
              </td>
              <td>{pct(o.successRate)}</td>
              <td>
                {o.failed + o.skipped > 0 ? (
                  <a
                    className="text-xs underline"
                    href={`${base}/failed/${o.object}`}
                    data-testid={`download-failed-${o.object}`}
                  >
                    Failed rows (CSV)
                  </a>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <a
        className="mt-2 inline-block text-xs underline"
        href={`${base}/report`}
        data-testid="download-report"
      >
        Report (JSON)
      </a>
    </Card>
  );
}
