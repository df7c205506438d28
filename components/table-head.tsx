/**
 * A console table's header row. An empty heading is the actions column: visually blank, but named for
 * screen readers.
 */
export function TableHead({ headers }: { headers: readonly string[] }) {
  return (
    <thead>
      <tr>
        {headers.map((h, i) => (
          <th
            key={h || i}
            scope="col"
            className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500"
          >
            {h || <span className="sr-only">Actions</span>}
          </th>
        ))}
      </tr>
    </thead>
  );
}
