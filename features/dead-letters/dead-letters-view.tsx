"use client";

import { useState } from "react";
import { Card } from "@/components/page-header";
import { DeadLetterDetail } from "@/features/dead-letters/dead-letter-detail";
import {
  useDeadLetters,
  useDiscard,
  useReplay,
  useReplayAll,
  type TDeadLetterQuery,
} from "@/features/dead-letters/use-dead-letters";
import type { TDeadLetterList } from "@/lib/dead-letters/list";
import { TableHead } from "@/components/table-head";

const STATUS_TABS = ["open", "replayed", "discarded", "all"] as const;
const field =
  "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";
const button =
  "rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 disabled:opacity-40 dark:border-slate-700 dark:hover:bg-slate-800";
const when = (iso: string) => iso.slice(0, 19).replace("T", " ");

/** Dead letters: filter, inspect, replay one or all, discard. Buttons only for OPERATOR and ADMIN. */
export function DeadLettersView({ initial, canAct }: { initial: TDeadLetterList; canAct: boolean }) {
  const [status, setStatus] = useState<TDeadLetterQuery["status"]>("open");
  const [functionId, setFunctionId] = useState("");
  const [q, setQ] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const filter: TDeadLetterQuery = {
    status,
    ...(functionId ? { functionId } : {}),
    ...(q.trim() ? { q: q.trim() } : {}),
  };
  const { data, isError, error } = useDeadLetters(filter, initial);
  const replay = useReplay();
  const replayAll = useReplayAll();
  const discard = useDiscard();
  const list = data ?? initial;
  const openInView = list.rows.filter((r) => r.status === "open").length;
  const mutationError = replay.error ?? replayAll.error ?? discard.error;

  return (
    <div className="grid gap-4">
      <Card>
        <div className="flex flex-wrap items-end gap-3">
          <div role="group" aria-label="Status" className="flex gap-1">
            {STATUS_TABS.map((s) => (
              <button
                key={s}
                type="button"
                aria-pressed={status === s}
                onClick={() => setStatus(s)}
                data-testid={`dl-status-${s}`}
                className={`${button} ${status === s ? "bg-slate-200 font-medium dark:bg-slate-700" : ""}`}
              >
                {s}
                {s === "all" ? "" : ` (${list.counts[s]})`}
              </button>
            ))}
          </div>
          <label className="grid gap-1 text-xs text-slate-500">
            Function
            <select value={functionId} onChange={(e) => setFunctionId(e.target.value)} className={field}>
              <option value="">all functions</option>
              {list.functionIds.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          </label>
          <label className="grid gap-1 text-xs text-slate-500">
            Search subject, error or event
            <input
              type="search"
              value={q}
              onChange={(e) => setQ(e.target.value)}
              className={`${field} w-64`}
              placeholder="HUBSPOT:contact:101"
            />
          </label>
          {canAct ? (
            <button
              type="button"
              className={`${button} ml-auto`}
              data-testid="dl-replay-all"
              disabled={replayAll.isPending || openInView === 0}
              onClick={() => {
                if (
                  window.confirm(
                    `Replay every open dead letter matching this filter (${status === "open" ? list.total : "open ones only"})?`,
                  )
                ) {
                  replayAll.mutate(filter);
                }
              }}
            >
              {replayAll.isPending ? "Replaying…" : "Replay all matching"}
            </button>
          ) : null}
        </div>
        <p className="mt-2 text-xs text-slate-500" aria-live="polite">
          {mutationError ? (
            <span role="alert" className="text-red-600">
              {mutationError.message}
            </span>
          ) : replayAll.data ? (
            `Replayed ${replayAll.data.replayed}${replayAll.data.remaining ? `; ${replayAll.data.remaining} still open (press again)` : ""}.`
          ) : replay.data ? (
            `Replay sent as event ${replay.data.replay.eventId}.`
          ) : canAct ? (
            "Replaying sends the original event again; the function runs from the start with today's data."
          ) : (
            "You can inspect dead letters; replaying and discarding need the OPERATOR role."
          )}
        </p>
      </Card>
      <Card title={`Dead letters (${list.total})`}>
        {isError ? (
          <p role="alert" className="text-sm text-red-600">
            {error.message}
          </p>
        ) : null}
        {list.rows.length === 0 ? (
          <p className="text-sm text-slate-500" data-testid="dead-letters-empty">
            {status === "open" && !functionId && !q
              ? "No open dead letters: every unit of work either succeeded or is still being retried."
              : "Nothing matches this filter. Pick another status or clear the search."}
          </p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full" data-testid="dead-letters">
              <TableHead headers={["When (UTC)", "Function", "Subject", "Error", "Attempts", "Status", ""]} />
              <tbody>
                {list.rows.map((r) => (
                  <tr
                    key={r.id}
                    className="border-t border-slate-100 align-top dark:border-slate-800"
                    data-testid={`dl-row-${r.id}`}
                  >
                    <td className="px-3 py-2 text-xs whitespace-nowrap tabular-nums">{when(r.createdAt)}</td>
                    <td className="px-3 py-2 text-xs">
                      <code>{r.functionId}</code>
                    </td>
                    <td className="px-3 py-2 text-xs">{r.subject ?? "—"}</td>
                    <td className="max-w-md px-3 py-2 text-xs break-words text-slate-600 dark:text-slate-400">
                      {r.error}
                    </td>
                    <td className="px-3 py-2 text-xs tabular-nums">{r.attempts}</td>
                    <td className="px-3 py-2 text-xs" data-testid={`dl-status-cell-${r.id}`}>
                      {r.status}
                      {r.replayCount > 0 ? ` (${r.replayCount}×)` : ""}
                    </td>
                    <td className="px-3 py-2">
                      <div className="flex flex-wrap gap-1">
                        <button
                          type="button"
                          className={button}
                          aria-pressed={selected === r.id}
                          onClick={() => setSelected(r.id)}
                        >
                          Inspect
                        </button>
                        {canAct && r.status !== "discarded" ? (
                          <>
                            <button
                              type="button"
                              className={button}
                              data-testid={`dl-replay-${r.id}`}
                              disabled={replay.isPending && replay.variables.id === r.id}
                              onClick={() => replay.mutate({ id: r.id, expectedReplayCount: r.replayCount })}
                            >
                              {r.status === "replayed" ? "Replay again" : "Replay"}
                            </button>
                            <button
                              type="button"
                              className={button}
                              disabled={discard.isPending && discard.variables === r.id}
                              onClick={() => {
                                if (
                                  window.confirm(
                                    "Discard this dead letter? It stays on record but will not be replayed.",
                                  )
                                )
                                  discard.mutate(r.id);
                              }}
                            >
                              Discard
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
        {list.total > list.rows.length ? (
          <p className="mt-2 text-xs text-slate-500">
            Showing the newest {list.rows.length} of {list.total}; narrow the filter to see others.
          </p>
        ) : null}
      </Card>
      {selected ? <DeadLetterDetail id={selected} onClose={() => setSelected(null)} /> : null}
    </div>
  );
}
