"use client";

import { Card } from "@/components/page-header";
import { duration, when } from "@/features/sync/format";
import { useMappingHistory } from "@/features/sync/use-mappings";

const KIND_LABEL = {
  webhook: "webhook in",
  decision: "decision",
  write: "write",
  purchase: "purchase",
} as const;

/** Per-record history: every webhook, decision, attempt (with API status) and write for one pair. */
export function MappingHistory({ id, onClose }: { id: string; onClose: () => void }) {
  const { data, isPending, isError, error } = useMappingHistory(id);
  return (
    <Card title="Record history">
      <div className="mb-3 flex items-start justify-between gap-3">
        {data ? (
          <p className="text-sm">
            <span className="font-medium">{data.mapping.email ?? "(no email)"}</span> · HubSpot contact{" "}
            <code>{data.mapping.hubspotContactId}</code> ⇄ Stripe customer{" "}
            <code>{data.mapping.stripeCustomerId}</code>
          </p>
        ) : (
          <span />
        )}
        <button type="button" onClick={onClose} className="text-xs underline">
          Close history
        </button>
      </div>
      {isPending ? <p className="text-sm text-slate-500">Loading…</p> : null}
      {isError ? (
        <p role="alert" className="text-sm text-red-600">
          {error.message}
        </p>
      ) : null}
      {data && data.entries.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="history-empty">
          Nothing recorded for this pair yet. Press “Resync” to push it again and watch the result here.
        </p>
      ) : null}
      {data && data.entries.length > 0 ? (
        <div className="max-h-96 overflow-auto">
          <table className="w-full" data-testid="mapping-history">
            <thead>
              <tr>
                {["When (UTC)", "Kind", "System", "What", "Direction", "HTTP", "Lag", "Detail"].map((h) => (
                  <th
                    key={h}
                    scope="col"
                    className="px-2 py-1 text-left text-xs font-semibold uppercase text-slate-500"
                  >
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.entries.map((e, i) => (
                <tr key={i} className="border-t border-slate-100 text-xs dark:border-slate-800">
                  <td className="px-2 py-1 whitespace-nowrap tabular-nums">{when(e.at)}</td>
                  <td className="px-2 py-1">{KIND_LABEL[e.kind]}</td>
                  <td className="px-2 py-1">{e.system ?? "—"}</td>
                  <td className="px-2 py-1 font-medium">{e.summary}</td>
                  <td className="px-2 py-1">{e.direction?.replaceAll("_", " ") ?? "—"}</td>
                  <td className="px-2 py-1 tabular-nums">{e.statusCode ?? "—"}</td>
                  <td className="px-2 py-1 tabular-nums">{e.lagMs === null ? "—" : duration(e.lagMs)}</td>
                  <td className="px-2 py-1 break-all text-slate-600 dark:text-slate-400">{e.detail ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Card>
  );
}
