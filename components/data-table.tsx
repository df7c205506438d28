import type { ReactNode } from "react";

export interface TDataRow {
  key: string;
  cells: ReactNode[];
}

/** A plain, accessible table for small server-rendered lists (large grids use @tanstack/react-table). */
export function DataTable({
  headers,
  rows,
  testId,
  empty = "Nothing to show yet.",
}: {
  headers: string[];
  rows: TDataRow[];
  testId?: string;
  empty?: string;
}) {
  if (rows.length === 0) {
    return (
      <p className="text-sm text-slate-500" data-testid={testId ? `${testId}-empty` : undefined}>
        {empty}
      </p>
    );
  }
  return (
    <div className="overflow-x-auto">
      <table className="w-full" data-testid={testId}>
        <thead>
          <tr>
            {headers.map((h) => (
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
          {rows.map((row) => (
            <tr key={row.key} className="border-t border-slate-100 dark:border-slate-800">
              {row.cells.map((cell, i) => (
                <td key={i} className="px-3 py-2 text-sm tabular-nums">
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
