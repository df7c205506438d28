"use client";

import { useState } from "react";
import { Card } from "@/components/page-header";
import { useCsvUpload } from "./hooks";
import { warehouseKeys } from "./keys";
import { UploadResult } from "./upload-result";

const KINDS = [
  { kind: "users", columns: "user_id, name, email, lifetime_spend, currency" },
  { kind: "teams", columns: "team_id, name" },
  { kind: "memberships", columns: "team_id, user_id" },
];

/** CSV upload of the business tables; also available as POST /api/v1/business/{kind} with an API key. */
export function BusinessUpload() {
  const [kind, setKind] = useState("users");
  const [file, setFile] = useState<File | null>(null);
  const upload = useCsvUpload((k) => `/api/console/warehouse/business/${k}`, warehouseKeys.all);
  return (
    <Card title="Business tables">
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (file) upload.mutate({ kind, file });
        }}
      >
        <label className="text-sm">
          <span className="block text-xs text-slate-500">Table</span>
          <select
            value={kind}
            onChange={(e) => setKind(e.target.value)}
            className="rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
            data-testid="business-kind"
          >
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.kind}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="block text-xs text-slate-500">
            CSV file ({KINDS.find((k) => k.kind === kind)?.columns})
          </span>
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            data-testid="business-file"
          />
        </label>
        <button
          type="submit"
          disabled={!file || upload.isPending}
          className="rounded bg-brand-600 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
          data-testid="business-upload"
        >
          {upload.isPending ? "Uploading…" : "Upload"}
        </button>
      </form>
      {upload.error ? <p className="mt-2 text-sm text-red-600">{upload.error.message}</p> : null}
      {upload.data ? <UploadResult result={upload.data} testId="business-result" /> : null}
    </Card>
  );
}
