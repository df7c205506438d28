"use client";

import { useState } from "react";
import { Card } from "@/components/page-header";
import { button, field, pct } from "@/features/imports/styles";
import { useImportRows } from "@/features/imports/use-imports";
import type { TImportObject } from "@/lib/imports/types";

const OUTCOMES = ["", "pending", "created", "updated", "skipped", "failed"];

/** Row by row: values after validation, quality, outcome and the reason (the preview's plan before a run). */
export function RowsTable({
  jobId,
  objects,
  live,
}: {
  jobId: string;
  objects: TImportObject[];
  live: boolean;
}) {
  const [object, setObject] = useState<TImportObject>(objects[0] ?? "contacts");
  const [outcome, setOutcome] = useState("");
  const [page, setPage] = useState(1);
  const { data } = useImportRows(jobId, object, outcome, page, live);
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  return (
    <Card title="Rows">
      <div className="mb-2 flex flex-wrap gap-2">
        <select
          className={field}
          value={object}
          onChange={(e) => {
            setObject(e.target.value as TImportObject);
            setPage(1);
          }}
          aria-label="Object"
          data-testid="rows-object"
        >
          {objects.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
        <select
          className={field}
          value={outcome}
          onChange={(e) => {
            setOutcome(e.target.value);
            setPage(1);
          }}
          aria-label="Outcome"
          data-testid="rows-outcome"
        >
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o || "all outcomes"}
            </option>
          ))}
        </select>
        <span className="self-center text-xs text-slate-500">{data?.total ?? 0} rows</span>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-sm" data-testid="rows-table">
          <thead>
            <tr className="text-left text-xs uppercase text-slate-500">
              <th className="py-1">row</th>
              <th>values</th>
              <th className="px-2">quality</th>
              <th className="px-2">outcome</th>
              <th>reason / plan</th>
              <th>HubSpot id</th>
            </tr>
          </thead>
          <tbody>
            {(data?.rows ?? []).map((r) => (
              <tr key={r.rowNumber} className="border-t border-slate-100 align-top dark:border-slate-800">
                <td className="py-1">{r.rowNumber}</td>
                <td
                  className="max-w-[18rem] truncate font-mono text-xs"
                  title={JSON.stringify(r.values.properties ?? {})}
                >
                  {Object.entries(r.values.properties ?? {})
                    .map(([k, v]) => `${k}=${v}`)
                    .join(" · ") || r.raw.join(" · ")}
                </td>
                <td className="px-2">{pct(r.quality)}</td>
                <td className="px-2" data-testid="row-outcome">
                  {r.outcome}
                </td>
                <td className="min-w-56 text-xs">{r.reason ?? ""}</td>
                <td className="font-mono text-xs">{r.hubspotId ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 ? (
        <div className="mt-2 flex items-center gap-2 text-xs">
          <button type="button" className={button} disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
            Previous
          </button>
          <span>
            page {page} of {pages}
          </span>
          <button
            type="button"
            className={button}
            disabled={page >= pages}
            onClick={() => setPage((p) => p + 1)}
          >
            Next
          </button>
        </div>
      ) : null}
    </Card>
  );
}
