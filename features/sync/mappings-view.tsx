"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Card } from "@/components/page-header";
import { when } from "@/features/sync/format";
import { syncKeys } from "@/features/sync/keys";
import { MappingHistory } from "@/features/sync/mapping-history";
import { useMappings, useResync, type TResyncBody } from "@/features/sync/use-mappings";
import type { TMappingRow } from "@/lib/sync-console/mappings";
import { TableHead } from "@/components/table-head";

const STATUSES = ["all", "ok", "error", "customer_deleted", "contact_deleted"] as const;
const PAGE = 50;
const field =
  "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";
const button =
  "rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 disabled:opacity-40 dark:border-slate-700 dark:hover:bg-slate-800";

/** Contact ⇄ customer pairs: search, last sync per direction, history, and resync (OPERATOR+). */
export function MappingsView({
  initial,
  canResync,
}: {
  initial: { rows: TMappingRow[]; total: number };
  canResync: boolean;
}) {
  const queryClient = useQueryClient();
  const [q, setQ] = useState("");
  const [status, setStatus] = useState<string>("all");
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const { data, isError, error } = useMappings({ q: q.trim(), status, offset }, initial);
  const resync = useResync();
  const [notice, setNotice] = useState<string | null>(null);

  const run = (body: TResyncBody, label: string) =>
    resync.mutate(body, {
      onSuccess: (r) => {
        setNotice(
          r.requested === undefined
            ? `Resync requested: ${label}.`
            : `Resync requested for ${r.requested} of ${r.matched} matching pairs.`,
        );
        void queryClient.invalidateQueries({ queryKey: syncKeys.all });
      },
      onError: () => setNotice(null),
    });

  const rows = data?.rows ?? [];
  const total = data?.total ?? 0;
  return (
    <div className="grid gap-4">
      <Card>
        <form
          className="flex flex-wrap items-end gap-3"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setOffset(0);
          }}
        >
          <label className="grid gap-1 text-xs text-slate-500">
            Search email or id
            <input
              type="search"
              value={q}
              data-testid="mappings-search"
              onChange={(e) => {
                setQ(e.target.value);
                setOffset(0);
              }}
              placeholder="ana@example.com, 101, cus_…"
              className={`${field} w-72`}
            />
          </label>
          <label className="grid gap-1 text-xs text-slate-500">
            Status
            <select
              value={status}
              onChange={(e) => {
                setStatus(e.target.value);
                setOffset(0);
              }}
              className={field}
            >
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s.replaceAll("_", " ")}
                </option>
              ))}
            </select>
          </label>
          {canResync ? (
            <div className="flex gap-2">
              <button
                type="button"
                className={button}
                disabled={resync.isPending || total === 0}
                data-testid="resync-filtered-hubspot"
                onClick={() => {
                  // One press can queue up to 1,000 resyncs (each a provider call): ask first.
                  if (
                    window.confirm(
                      `Resync ${total} pairs from HubSpot, overwriting the other side's owned fields?`,
                    )
                  ) {
                    run({ system: "HUBSPOT", filter: { q: q.trim() || undefined, status } }, "filtered set");
                  }
                }}
              >
                Resync {total} from HubSpot
              </button>
              <button
                type="button"
                className={button}
                disabled={resync.isPending || total === 0}
                data-testid="resync-filtered-stripe"
                onClick={() => {
                  // One press can queue up to 1,000 resyncs (each a provider call): ask first.
                  if (
                    window.confirm(
                      `Resync ${total} pairs from Stripe, overwriting the other side's owned fields?`,
                    )
                  ) {
                    run({ system: "STRIPE", filter: { q: q.trim() || undefined, status } }, "filtered set");
                  }
                }}
              >
                Resync {total} from Stripe
              </button>
            </div>
          ) : null}
        </form>
        <p className="mt-2 text-xs text-slate-500" aria-live="polite">
          {resync.isError ? (
            <span role="alert" className="text-red-600">
              {resync.error.message}
            </span>
          ) : (
            notice
          )}
        </p>
      </Card>
      <Card title={`Mappings (${total})`}>
        {isError ? (
          <p role="alert" className="text-sm text-red-600">
            {error.message}
          </p>
        ) : null}
        {rows.length === 0 ? (
          <p className="text-sm text-slate-500" data-testid="mappings-empty">
            {q || status !== "all"
              ? "No pairs match this search. Clear the search or pick another status."
              : "No contact ⇄ customer pairs yet. They appear as HubSpot contacts and Stripe customers sync; an OPERATOR can start the initial sync on the Health tab."}
          </p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full" data-testid="mappings">
              <TableHead
                headers={[
                  "Email",
                  "HubSpot contact",
                  "Stripe customer",
                  "Last → Stripe",
                  "Last → HubSpot",
                  "Status",
                  "",
                ]}
              />
              <tbody>
                {rows.map((m) => (
                  <tr
                    key={m.id}
                    className="border-t border-slate-100 dark:border-slate-800"
                    data-testid={`mapping-${m.hubspotContactId}`}
                  >
                    <td className="px-3 py-2 text-sm">{m.email ?? "—"}</td>
                    <td className="px-3 py-2 text-sm">
                      <code>{m.hubspotContactId}</code>
                    </td>
                    <td className="px-3 py-2 text-sm">
                      <code>{m.stripeCustomerId}</code>
                    </td>
                    <td className="px-3 py-2 text-xs tabular-nums">{when(m.lastSyncToStripeAt)}</td>
                    <td className="px-3 py-2 text-xs tabular-nums">{when(m.lastSyncToHubspotAt)}</td>
                    <td className="px-3 py-2 text-xs">
                      <span
                        className={
                          m.status === "ok" ? "text-emerald-700 dark:text-emerald-400" : "text-red-600"
                        }
                      >
                        {m.status.replaceAll("_", " ")}
                      </span>
                      {m.lastError ? <span className="block text-slate-500">{m.lastError}</span> : null}
                    </td>
                    <td className="px-3 py-2">
                      <div className="flex flex-wrap gap-1">
                        <button
                          type="button"
                          className={button}
                          onClick={() => setSelected(m.id)}
                          aria-pressed={selected === m.id}
                        >
                          History
                        </button>
                        {canResync ? (
                          <>
                            <button
                              type="button"
                              className={button}
                              disabled={resync.isPending}
                              aria-label={`Resync ${m.email ?? m.hubspotContactId} from HubSpot to Stripe`}
                              onClick={() =>
                                run(
                                  { system: "HUBSPOT", objectId: m.hubspotContactId },
                                  `HubSpot contact ${m.hubspotContactId} → Stripe`,
                                )
                              }
                            >
                              Resync → Stripe
                            </button>
                            <button
                              type="button"
                              className={button}
                              disabled={resync.isPending}
                              aria-label={`Resync ${m.email ?? m.stripeCustomerId} from Stripe to HubSpot`}
                              onClick={() =>
                                run(
                                  { system: "STRIPE", objectId: m.stripeCustomerId },
                                  `Stripe customer ${m.stripeCustomerId} → HubSpot`,
                                )
                              }
                            >
                              Resync → HubSpot
                            </button>
                          </>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {total > PAGE ? (
          <div className="mt-3 flex items-center gap-3 text-xs">
            <button
              type="button"
              className={button}
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              Previous
            </button>
            <span>
              {offset + 1}–{Math.min(offset + PAGE, total)} of {total}
            </span>
            <button
              type="button"
              className={button}
              disabled={offset + PAGE >= total}
              onClick={() => setOffset(offset + PAGE)}
            >
              Next
            </button>
          </div>
        ) : null}
      </Card>
      {selected ? <MappingHistory id={selected} onClose={() => setSelected(null)} /> : null}
    </div>
  );
}
