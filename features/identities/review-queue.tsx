"use client";

import { useState } from "react";
import { Card } from "@/components/page-header";
import {
  useApproveReview,
  useRejectReview,
  useReviews,
  type TReviewItem,
} from "@/features/identities/use-identities";

const REASON_TEXT: Record<string, string> = {
  check_failed: "check character wrong (a typo)",
  unknown_code: "well-formed but never issued",
  linked_to_other_person: "record already linked to someone else",
};

const STATUSES = ["OPEN", "APPROVED", "REJECTED"] as const;

function Decision({ item }: { item: TReviewItem }) {
  const approve = useApproveReview();
  const reject = useRejectReview();
  const [typed, setTyped] = useState("");
  const busy = approve.isPending || reject.isPending;
  const error = approve.error ?? reject.error;
  return (
    <div className="flex flex-wrap items-center gap-2">
      {item.suggestions.map((s) => (
        <button
          key={s.openid}
          type="button"
          disabled={busy}
          data-testid={`approve-${item.id}-${s.code}`}
          onClick={() => approve.mutate({ reviewId: item.id, openid: s.openid })}
          className="rounded bg-emerald-600 px-2 py-1 text-xs font-medium text-white hover:bg-emerald-700 disabled:opacity-50"
        >
          Approve {s.code}
        </button>
      ))}
      {/* No suggestion fits: the reviewer asked the follower for their code and types it (must be issued). */}
      <form
        className="flex items-center gap-1"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed.trim()) approve.mutate({ reviewId: item.id, code: typed.trim() });
        }}
      >
        <label htmlFor={`typed-${item.id}`} className="sr-only">
          Issued code for {item.recordId}
        </label>
        <input
          id={`typed-${item.id}`}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          placeholder="or an issued code"
          className="w-32 rounded border border-slate-300 bg-white px-1 py-0.5 font-mono text-xs dark:border-slate-700 dark:bg-slate-900"
        />
        <button
          type="submit"
          disabled={busy || !typed.trim()}
          className="rounded border border-emerald-600 px-2 py-1 text-xs text-emerald-700 disabled:opacity-50 dark:text-emerald-400"
        >
          Link
        </button>
      </form>
      <button
        type="button"
        disabled={busy}
        data-testid={`reject-${item.id}`}
        onClick={() => reject.mutate({ reviewId: item.id })}
        className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800"
      >
        Reject
      </button>
      {error ? (
        <span role="alert" className="text-xs text-red-600">
          {error.message}
        </span>
      ) : null}
    </div>
  );
}

/** Codes that could not be matched automatically: OPERATOR and above decide; VIEWERs read. */
export function ReviewQueue({ initial, canDecide }: { initial: TReviewItem[]; canDecide: boolean }) {
  const [status, setStatus] = useState<(typeof STATUSES)[number]>("OPEN");
  const { data = [], error } = useReviews(status, initial);
  return (
    <Card title="Review queue">
      <div className="mb-3 flex flex-wrap items-center gap-2" role="tablist">
        {STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={status === s}
            onClick={() => setStatus(s)}
            className={`rounded px-2 py-1 text-xs ${status === s ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900" : "border border-slate-300 dark:border-slate-700"}`}
          >
            {s.toLowerCase()}
          </button>
        ))}
        {!canDecide && status === "OPEN" ? (
          <span className="text-xs text-slate-500" data-testid="review-read-only">
            Read only: approving and rejecting needs the OPERATOR role.
          </span>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="text-sm text-red-600">
          {error.message}
        </p>
      ) : null}
      {data.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="reviews-empty">
          {status === "OPEN" ? "Nothing waits for review." : `No ${status.toLowerCase()} reviews yet.`}
        </p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="reviews">
            <thead>
              <tr className="text-left text-xs uppercase tracking-wide text-slate-500">
                <th className="px-2 py-1">When</th>
                <th className="px-2 py-1">Record</th>
                <th className="px-2 py-1">Typed</th>
                <th className="px-2 py-1">Why</th>
                <th className="px-2 py-1">{status === "OPEN" ? "Decision" : "Decided"}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((item) => (
                <tr
                  key={item.id}
                  className="border-t border-slate-100 dark:border-slate-800"
                  data-testid={`review-${item.id}`}
                >
                  <td className="px-2 py-2 text-xs tabular-nums">
                    {item.createdAt.slice(0, 16).replace("T", " ")}
                  </td>
                  <td className="px-2 py-2">
                    {item.system === "HUBSPOT" ? "HubSpot" : "OpenApply"}{" "}
                    <code className="text-xs">{item.recordId}</code>
                  </td>
                  <td className="px-2 py-2">
                    <code data-testid="review-typed">{item.rawInput}</code>
                  </td>
                  <td className="px-2 py-2 text-xs">
                    {REASON_TEXT[item.reason] ?? item.reason}
                    {item.suggestions.length === 0 && status === "OPEN"
                      ? " — no issued code is one edit away"
                      : ""}
                  </td>
                  <td className="px-2 py-2">
                    {status === "OPEN" ? (
                      canDecide ? (
                        <Decision item={item} />
                      ) : (
                        <span className="text-xs text-slate-500">
                          {item.suggestions.length
                            ? `Suggested: ${item.suggestions.map((s) => s.code).join(", ")}`
                            : "—"}
                        </span>
                      )
                    ) : (
                      <span className="text-xs">
                        {item.decidedBy ?? "—"} {item.approvedOpenid ? `→ ${item.approvedOpenid}` : ""}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
