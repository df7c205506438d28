"use client";

import { useState, useSyncExternalStore } from "react";
import { Card } from "@/components/page-header";
import { JobPanel } from "@/features/imports/job-panel";
import { button, field, primary } from "@/features/imports/styles";
import { useCreateImport, useImportList, type TImportList } from "@/features/imports/use-imports";

/** Imports: the list of jobs, a form to start one, and the selected job's steps. */
export function ImportsView({ initial, canAct }: { initial: TImportList; canAct: boolean }) {
  const { data } = useImportList(initial);
  const list = data ?? initial;
  const [selected, setSelected] = useState<string | null>(list.jobs[0]?.id ?? null);
  // False in the server's HTML, true once React has hydrated: a click before that would submit the
  // form natively (a page reload that loses the name), so the button waits for hydration.
  const hydrated = useSyncExternalStore(
    () => () => undefined,
    () => true,
    () => false,
  );
  const create = useCreateImport();

  return (
    <div className="grid gap-4 lg:grid-cols-[18rem_1fr]">
      <div className="grid content-start gap-4">
        {canAct ? (
          <Card title="New import">
            <form
              className="grid gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                const form = e.currentTarget;
                // Read from the form, not from state: text typed before hydration is in the DOM only.
                const typed = (form.elements.namedItem("name") as HTMLInputElement | null)?.value.trim();
                create.mutate(typed || `Import ${new Date().toISOString().slice(0, 16).replace("T", " ")}`, {
                  onSuccess: (r) => {
                    setSelected(r.job.id);
                    form.reset();
                  },
                });
              }}
            >
              <input
                className={field}
                name="name"
                placeholder="Name, e.g. Spring fair leads"
                data-testid="import-name"
                aria-label="Import name"
              />
              <button
                type="submit"
                className={primary}
                disabled={create.isPending || !hydrated}
                data-testid="import-create"
              >
                Create import
              </button>
              {create.error ? <p className="text-sm text-red-600">{create.error.message}</p> : null}
            </form>
          </Card>
        ) : null}
        <Card title="Imports">
          {list.jobs.length === 0 ? (
            <p className="text-sm text-slate-500">No imports yet.</p>
          ) : (
            <ul className="grid gap-1" data-testid="import-list">
              {list.jobs.map((j) => (
                <li key={j.id}>
                  <button
                    type="button"
                    onClick={() => setSelected(j.id)}
                    aria-pressed={selected === j.id}
                    className={`${button} w-full text-left ${selected === j.id ? "bg-slate-200 dark:bg-slate-700" : ""}`}
                  >
                    <span className="block truncate font-medium">{j.name}</span>
                    <span className="block text-xs text-slate-500">
                      {j.status.toLowerCase()} ·{" "}
                      {j.files.map((f) => `${f.rowCount} ${f.object}`).join(", ") || "no files"}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      {selected ? (
        <JobPanel key={selected} id={selected} canAct={canAct} templates={list.templates} />
      ) : (
        <Card>
          <p className="text-sm text-slate-500">
            Create an import, then upload companies, contacts and tickets files.
          </p>
        </Card>
      )}
    </div>
  );
}
