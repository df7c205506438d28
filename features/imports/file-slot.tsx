"use client";

import { useUploadFile } from "@/features/imports/use-imports";
import type { TImportFile, TImportObject } from "@/lib/imports/types";

const DELIMITER_NAMES: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab" };

/** Upload (or replace) the file for one object; shows what the parser found. */
export function FileSlot({
  jobId,
  object,
  file,
  editable,
}: {
  jobId: string;
  object: TImportObject;
  file: TImportFile | undefined;
  editable: boolean;
}) {
  const upload = useUploadFile(jobId);
  return (
    <div
      className="rounded border border-dashed border-slate-300 p-3 text-sm dark:border-slate-700"
      data-testid={`file-${object}`}
    >
      <p className="font-medium capitalize">{object}</p>
      {file ? (
        <p className="mt-1 text-xs text-slate-500" data-testid={`file-${object}-info`}>
          {file.fileName}: {file.rowCount} rows · {file.encoding} ·{" "}
          {DELIMITER_NAMES[file.delimiter] ?? file.delimiter}
        </p>
      ) : (
        <p className="mt-1 text-xs text-slate-500">
          CSV (comma, semicolon or tab; UTF-8 or GBK), up to 100 MB.
        </p>
      )}
      {editable ? (
        <label className="mt-2 block text-xs">
          <span className="sr-only">Upload {object} CSV</span>
          <input
            type="file"
            accept=".csv,.tsv,.txt,text/csv"
            disabled={upload.isPending}
            data-testid={`upload-${object}`}
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) upload.mutate({ object, file: f });
              e.target.value = "";
            }}
          />
        </label>
      ) : null}
      {upload.isPending ? <p className="mt-1 text-xs">Uploading and reading…</p> : null}
      {upload.error ? (
        <p className="mt-1 text-xs text-red-600" role="alert" data-testid={`upload-${object}-error`}>
          {upload.error.message}
        </p>
      ) : null}
    </div>
  );
}
