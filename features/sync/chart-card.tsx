"use client";

import type { ReactNode } from "react";
import { Card } from "@/components/page-header";

export interface TChartColumn<T> {
  label: string;
  value: (row: T) => string | number;
}

/**
 * A chart with what screen readers and keyboard users need: a heading, a one-line summary as the
 * chart's accessible name, and the same figures as a table behind "Show as table".
 */
export function ChartCard<T>({
  title,
  summary,
  testId,
  empty,
  rows,
  columns,
  children,
}: {
  title: string;
  summary: string;
  testId: string;
  /** Shown instead of the chart when there is nothing to draw: say what to do. */
  empty: string | null;
  rows: T[];
  columns: TChartColumn<T>[];
  children: ReactNode;
}) {
  return (
    <Card title={title}>
      <figure data-testid={testId}>
        {empty ? (
          <p className="text-sm text-slate-500" data-testid={`${testId}-empty`}>
            {empty}
          </p>
        ) : (
          <div role="img" aria-label={`${title}: ${summary}`} className="h-56 w-full">
            {children}
          </div>
        )}
        <figcaption className="mt-2 text-xs text-slate-500">{summary}</figcaption>
        {empty ? null : (
          <details className="mt-2 text-xs">
            <summary className="cursor-pointer text-slate-600 dark:text-slate-400">Show as table</summary>
            <div className="mt-2 max-h-64 overflow-auto">
              <table className="w-full">
                <caption className="sr-only">{title}</caption>
                <thead>
                  <tr>
                    {columns.map((c) => (
                      <th
                        key={c.label}
                        scope="col"
                        className="px-2 py-1 text-left font-semibold text-slate-500"
                      >
                        {c.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r, i) => (
                    <tr key={i} className="border-t border-slate-100 dark:border-slate-800">
                      {columns.map((c) => (
                        <td key={c.label} className="px-2 py-1 tabular-nums">
                          {c.value(r)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        )}
      </figure>
    </Card>
  );
}
