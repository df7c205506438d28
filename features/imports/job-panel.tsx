"use client";

import { Card } from "@/components/page-header";
import { FileSlot } from "@/features/imports/file-slot";
import { MappingEditor } from "@/features/imports/mapping-editor";
import { ProgressReport } from "@/features/imports/progress-report";
import { RowsTable } from "@/features/imports/rows-table";
import { button, primary } from "@/features/imports/styles";
import { useImportJob, useJobAction } from "@/features/imports/use-imports";
import { IMPORT_OBJECTS } from "@/lib/imports/types";

/** One import, step by step: files → mapping → preview → run → progress and report. */
export function JobPanel({
  id,
  canAct,
  templates,
}: {
  id: string;
  canAct: boolean;
  templates: { name: string; object: string }[];
}) {
  const { data: job, error } = useImportJob(id);
  const preview = useJobAction(id, "preview");
  const run = useJobAction(id, "run");
  const cancel = useJobAction(id, "cancel");
  if (error)
    return (
      <Card>
        <p className="text-sm text-red-600">{error.message}</p>
      </Card>
    );
  if (!job)
    return (
      <Card>
        <p className="text-sm text-slate-500">Loading…</p>
      </Card>
    );

  const running = job.status === "RUNNING" || !!job.progress?.starting;
  const finished = ["COMPLETED", "FAILED", "CANCELLED"].includes(job.status);
  const editable = canAct && !running && job.status !== "COMPLETED";
  const actionError = preview.error ?? run.error ?? cancel.error;

  return (
    <div className="grid content-start gap-4" data-testid="import-job" data-status={job.status}>
      <Card title={`1 · Files — ${job.name}`}>
        <div className="grid gap-3 md:grid-cols-3">
          {IMPORT_OBJECTS.map((object) => (
            <FileSlot
              key={object}
              jobId={id}
              object={object}
              file={job.files.find((f) => f.object === object)}
              editable={editable}
            />
          ))}
        </div>
      </Card>

      {job.files.map((f) => (
        <MappingEditor
          key={`${f.object}:${f.fileName}:${f.rowCount}`}
          jobId={id}
          file={f}
          targets={job.targets[f.object] ?? []}
          templates={templates.filter((t) => t.object === f.object)}
          editable={editable}
        />
      ))}

      {job.files.length > 0 ? (
        <Card title="3 · Preview and run">
          <div className="flex flex-wrap items-center gap-2">
            {canAct ? (
              <>
                <button
                  type="button"
                  className={button}
                  disabled={!editable || preview.isPending || !!job.progress?.previewing}
                  onClick={() => preview.mutate()}
                  data-testid="import-preview"
                >
                  {job.progress?.previewing ? "Previewing…" : "Preview (dry run)"}
                </button>
                <button
                  type="button"
                  className={primary}
                  disabled={!editable || run.isPending}
                  onClick={() => run.mutate()}
                  data-testid="import-run"
                >
                  {job.status === "CANCELLED" || job.status === "FAILED" ? "Resume import" : "Run import"}
                </button>
                {running ? (
                  <button
                    type="button"
                    className={button}
                    onClick={() => cancel.mutate()}
                    data-testid="import-cancel"
                  >
                    Cancel
                  </button>
                ) : null}
              </>
            ) : (
              <p className="text-sm text-slate-500">Viewers can follow imports; operators run them.</p>
            )}
          </div>
          {actionError ? <p className="mt-2 text-sm text-red-600">{actionError.message}</p> : null}
          {job.progress?.previewError ? (
            <p className="mt-2 text-sm text-red-600">Preview failed: {job.progress.previewError}</p>
          ) : null}
          {job.progress?.preview && job.status === "PREVIEWED" ? (
            <table className="mt-3 w-full text-sm" data-testid="import-preview-counts">
              <thead>
                <tr className="text-left text-xs uppercase text-slate-500">
                  <th className="py-1">object</th>
                  <th>would create</th>
                  <th>would update</th>
                  <th>skipped</th>
                  <th>associated</th>
                  <th>no match</th>
                </tr>
              </thead>
              <tbody>
                {job.progress.preview.map((p) => (
                  <tr key={p.object} data-testid={`preview-${p.object}`}>
                    <td className="py-1 font-medium">{p.object}</td>
                    <td>{p.create}</td>
                    <td>{p.update}</td>
                    <td>{p.skip}</td>
                    <td>{p.associate}</td>
                    <td>{p.associationMissing}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </Card>
      ) : null}

      {running || finished ? <ProgressReport jobId={id} report={job.report} /> : null}
      {job.files.length > 0 ? (
        <RowsTable jobId={id} objects={job.files.map((f) => f.object)} live={running} />
      ) : null}
    </div>
  );
}
