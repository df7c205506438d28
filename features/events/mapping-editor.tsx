"use client";

import { useState } from "react";
import { useSaveMapping } from "@/features/events/use-events";
import type { TEventMapping } from "@/lib/events/mapping";

function describe(source: { field: string } | { value: string }): string {
  return "field" in source ? source.field : `"${source.value}"`;
}

/**
 * The property mapping as a readable table, and (OPERATOR/ADMIN) as JSON to edit: the server
 * validates against the catalogue and answers field errors with their exact path.
 */
export function MappingEditor({
  mapping,
  isDefault,
  canEdit,
}: {
  mapping: TEventMapping;
  isDefault: boolean;
  canEdit: boolean;
}) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(() => JSON.stringify(mapping, null, 2));
  const [parseError, setParseError] = useState<string | null>(null);
  const save = useSaveMapping();

  return (
    <div>
      <p className="mb-2 text-xs text-slate-500">
        {isDefault ? "The built-in default mapping applies (nobody has saved one). " : ""}
        Contacts are upserted by email, or by <code>{mapping.externalIdProperty}</code> when an event has only
        an externalId.
      </p>
      <table className="w-full text-sm" data-testid="mapping-table">
        <thead>
          <tr className="text-left text-xs uppercase tracking-wide text-slate-500">
            <th className="px-2 py-1">Event type</th>
            <th className="px-2 py-1">HubSpot properties</th>
            <th className="px-2 py-1">Timeline</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(mapping.types).map(([type, tm]) => (
            <tr key={type} className="border-t border-slate-100 align-top dark:border-slate-800">
              <td className="px-2 py-1 font-mono text-xs">{type}</td>
              <td className="px-2 py-1 text-xs">
                {Object.entries(tm.properties).map(([p, s]) => (
                  <div key={p}>
                    <code>{p}</code> ← {describe(s)}
                  </div>
                ))}
              </td>
              <td className="px-2 py-1 text-xs">
                {tm.timeline === "event"
                  ? `custom event ${tm.eventName ?? ""} (note if refused)`
                  : tm.timeline}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {canEdit ? (
        <div className="mt-3">
          {!editing ? (
            <button
              type="button"
              data-testid="mapping-edit"
              onClick={() => {
                setText(JSON.stringify(mapping, null, 2));
                setEditing(true);
              }}
              className="rounded border border-slate-300 px-3 py-1 text-sm dark:border-slate-700"
            >
              Edit mapping
            </button>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                let parsed: unknown;
                try {
                  parsed = JSON.parse(text);
                } catch {
                  setParseError("That is not valid JSON.");
                  return;
                }
                setParseError(null);
                save.mutate(parsed, { onSuccess: () => setEditing(false) });
              }}
            >
              <label htmlFor="mapping-json" className="mb-1 block text-xs text-slate-500">
                Mapping (JSON). Sources: {'{ "field": "occurredAt" | "properties.<name>" | … }'} or{" "}
                {'{ "value": "fixed" }'}; timeline: event, note or none.
              </label>
              <textarea
                id="mapping-json"
                data-testid="mapping-json"
                value={text}
                onChange={(e) => setText(e.target.value)}
                rows={18}
                className="w-full rounded border border-slate-300 bg-white p-2 font-mono text-xs dark:border-slate-700 dark:bg-slate-950"
              />
              {parseError || save.isError ? (
                <p role="alert" className="text-xs text-red-600" data-testid="mapping-error">
                  {parseError ?? save.error?.message}
                </p>
              ) : null}
              <div className="mt-2 flex gap-2">
                <button
                  type="submit"
                  disabled={save.isPending}
                  data-testid="mapping-save"
                  className="rounded bg-slate-900 px-3 py-1 text-sm text-white dark:bg-slate-100 dark:text-slate-900"
                >
                  Save mapping
                </button>
                <button type="button" onClick={() => setEditing(false)} className="px-3 py-1 text-sm">
                  Cancel
                </button>
              </div>
            </form>
          )}
        </div>
      ) : null}
    </div>
  );
}
