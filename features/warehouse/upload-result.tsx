"use client";

import type { TUploadResult } from "./hooks";

/** What an upload did: counts, then every refused row with its reason. */
export function UploadResult({ result, testId }: { result: TUploadResult; testId: string }) {
  return (
    <div className="mt-3 text-sm" data-testid={testId} role="status">
      <p>
        {result.imported} of {result.received} rows imported
        {result.errors.length ? `; ${result.errors.length} refused:` : "."}
      </p>
      {result.errors.length > 0 ? (
        <ul className="mt-1 max-h-48 list-disc overflow-auto pl-5 text-red-700 dark:text-red-400">
          {result.errors.slice(0, 200).map((e, i) => (
            <li key={i}>
              Row {e.row}
              {e.field ? ` (${e.field})` : ""}: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
