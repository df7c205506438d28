"use client";

import { Card } from "@/components/page-header";
import { useDeadLetter } from "@/features/dead-letters/use-dead-letters";

const when = (iso: string | null) => (iso ? iso.slice(0, 19).replace("T", " ") : "—");

/** The inspect panel: full error, the event that will be sent again, and who replayed or discarded it. */
export function DeadLetterDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const { data, isPending, isError, error } = useDeadLetter(id);
  const d = data?.deadLetter;
  return (
    <Card title="Inspect dead letter">
      <div className="mb-2 flex justify-end">
        <button type="button" onClick={onClose} className="text-xs underline">
          Close
        </button>
      </div>
      {isPending ? <p className="text-sm text-slate-500">Loading…</p> : null}
      {isError ? (
        <p role="alert" className="text-sm text-red-600">
          {error.message}
        </p>
      ) : null}
      {d ? (
        <div className="grid gap-3 text-sm" data-testid="dead-letter-detail">
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
            <dt className="text-slate-500">Function</dt>
            <dd>
              <code>{d.functionId}</code>
            </dd>
            <dt className="text-slate-500">Event to send again</dt>
            <dd>
              <code>{d.eventName}</code>
            </dd>
            <dt className="text-slate-500">Subject</dt>
            <dd>{d.subject ?? "—"}</dd>
            <dt className="text-slate-500">Attempts</dt>
            <dd>{d.attempts}</dd>
            <dt className="text-slate-500">Status</dt>
            <dd data-testid="dead-letter-detail-status">
              {d.status}
              {d.replayCount > 0
                ? ` · replayed ${d.replayCount}× (last ${when(d.lastReplayedAt)} by ${d.lastReplayedBy ?? "—"})`
                : ""}
            </dd>
            <dt className="text-slate-500">Dead-lettered</dt>
            <dd>{when(d.createdAt)}</dd>
          </dl>
          <div>
            <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">Error</h3>
            <pre className="max-h-48 overflow-auto whitespace-pre-wrap rounded bg-slate-100 p-2 text-xs dark:bg-slate-800">
              {d.error}
            </pre>
          </div>
          <div>
            <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">Payload (event data)</h3>
            <pre className="max-h-64 overflow-auto rounded bg-slate-100 p-2 text-xs dark:bg-slate-800">
              {JSON.stringify(d.payload, null, 2)}
            </pre>
          </div>
          {d.history.length > 0 ? (
            <div>
              <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">Actions</h3>
              <ul className="text-xs">
                {d.history.map((h, i) => (
                  <li key={i}>
                    {when(h.at)} · {h.actor ?? "system"} · {h.action}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
