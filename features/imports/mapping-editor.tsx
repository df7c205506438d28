"use client";

import { useState } from "react";
import { Card } from "@/components/page-header";
import { button, field, pct } from "@/features/imports/styles";
import { useSaveMapping } from "@/features/imports/use-imports";
import type { TMappingTarget } from "@/lib/imports/console";
import type { TColumnMapping, TImportFile } from "@/lib/imports/types";

const METHOD_TONE: Record<string, string> = {
  exact: "text-emerald-700",
  normalised: "text-emerald-700",
  template: "text-emerald-700",
  user: "text-emerald-700",
  synonym: "text-sky-700",
  fuzzy: "text-amber-700",
  none: "text-slate-400",
};

/** Header → HubSpot property, with the automatic guess's method and confidence; save, or save as a template. */
export function MappingEditor({
  jobId,
  file,
  targets,
  templates,
  editable,
}: {
  jobId: string;
  file: TImportFile;
  targets: TMappingTarget[];
  templates: { name: string }[];
  editable: boolean;
}) {
  const [mapping, setMapping] = useState<TColumnMapping[]>(file.mapping ?? []);
  const [templateName, setTemplateName] = useState("");
  const save = useSaveMapping(jobId);
  const dirty = JSON.stringify(mapping) !== JSON.stringify(file.mapping ?? []);

  const setTarget = (header: string, target: string) =>
    setMapping((m) =>
      m.map((x) =>
        x.header === header
          ? { header, target: target || null, confidence: target ? 1 : 0, method: target ? "user" : "none" }
          : x,
      ),
    );

  return (
    <Card title={`2 · Mapping — ${file.object} (${file.fileName})`}>
      <table className="w-full text-sm" data-testid={`mapping-${file.object}`}>
        <thead>
          <tr className="text-left text-xs uppercase text-slate-500">
            <th className="py-1">column</th>
            <th>HubSpot property</th>
            <th>match</th>
            <th>column quality</th>
          </tr>
        </thead>
        <tbody>
          {mapping.map((m) => (
            <tr key={m.header} className="border-t border-slate-100 dark:border-slate-800">
              <td className="py-1 font-mono text-xs">{m.header}</td>
              <td>
                <select
                  className={field}
                  value={m.target ?? ""}
                  disabled={!editable}
                  onChange={(e) => setTarget(m.header, e.target.value)}
                  aria-label={`Property for ${m.header}`}
                  data-testid={`map-${file.object}-${m.header}`}
                >
                  <option value="">— not imported —</option>
                  {m.target && !targets.some((t) => t.name === m.target) ? (
                    <option value={m.target}>{m.target}</option>
                  ) : null}
                  {targets.map((t) => (
                    <option key={t.name} value={t.name}>
                      {t.label} ({t.name})
                    </option>
                  ))}
                </select>
              </td>
              <td className={`text-xs ${METHOD_TONE[m.method] ?? ""}`}>
                {m.method === "none" ? "—" : `${m.method} ${pct(m.confidence)}`}
              </td>
              <td className="text-xs">
                {file.columnQuality?.[m.header] !== undefined ? pct(file.columnQuality[m.header]!) : "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editable ? (
        <div className="mt-3 flex flex-wrap items-center gap-2">
          <button
            type="button"
            className={button}
            disabled={save.isPending}
            onClick={() =>
              save.mutate({
                object: file.object,
                mapping,
                ...(templateName.trim() ? { templateName: templateName.trim() } : {}),
              })
            }
            data-testid={`mapping-save-${file.object}`}
          >
            {dirty ? "Save mapping" : "Confirm mapping"}
          </button>
          <input
            className={field}
            placeholder="Save as template (optional)"
            value={templateName}
            onChange={(e) => setTemplateName(e.target.value)}
            aria-label="Template name"
          />
          {templates.length > 0 ? (
            <select
              className={field}
              defaultValue=""
              aria-label="Apply a template"
              onChange={(e) =>
                e.target.value && save.mutate({ object: file.object, template: e.target.value })
              }
            >
              <option value="">Apply template…</option>
              {templates.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.name}
                </option>
              ))}
            </select>
          ) : null}
          {save.error ? <span className="text-sm text-red-600">{save.error.message}</span> : null}
          {save.isSuccess && !dirty ? <span className="text-xs text-emerald-700">Saved</span> : null}
        </div>
      ) : null}
    </Card>
  );
}
