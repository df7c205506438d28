"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { fetchJson } from "@/features/fetch-json";
import { syncKeys } from "@/features/sync/keys";
import { TableHead } from "@/components/table-head";

export interface TRateLimitView {
  provider: string;
  bucket: string;
  ratePerSecond: number;
  burst: number;
  /** ISO, or null while the built-in default applies. */
  updatedAt: string | null;
}

const minute = (iso: string) => iso.slice(0, 16).replace("T", " ");
const inputClass =
  "w-24 rounded border border-slate-300 bg-white px-2 py-1 text-sm tabular-nums dark:border-slate-700 dark:bg-slate-900";

function RateLimitRow({ limit, canEdit }: { limit: TRateLimitView; canEdit: boolean }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const id = `${limit.provider}-${limit.bucket}`.toLowerCase();
  const [rate, setRate] = useState(String(limit.ratePerSecond));
  const [burst, setBurst] = useState(String(limit.burst));
  const mutation = useMutation({
    mutationFn: () =>
      fetchJson<{ limit: TRateLimitView }>("/api/console/rate-limits", {
        method: "PATCH",
        body: JSON.stringify({
          provider: limit.provider,
          bucket: limit.bucket,
          ratePerSecond: Number(rate),
          burst: Number(burst),
        }),
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: syncKeys.metrics() });
      router.refresh();
    },
  });
  const dirty = rate !== String(limit.ratePerSecond) || burst !== String(limit.burst);
  return (
    <tr className="border-t border-slate-100 dark:border-slate-800" data-testid={`rate-limit-${id}`}>
      <td className="px-3 py-2 text-sm">{limit.provider}</td>
      <td className="px-3 py-2 text-sm">{limit.bucket}</td>
      <td className="px-3 py-2 text-sm tabular-nums">
        {canEdit ? (
          <>
            <label className="sr-only" htmlFor={`rate-${id}`}>
              Requests per second for {limit.provider} {limit.bucket}
            </label>
            <input
              id={`rate-${id}`}
              data-testid={`rate-input-${id}`}
              type="number"
              min={0.1}
              max={1000}
              step="any"
              value={rate}
              onChange={(e) => setRate(e.target.value)}
              className={inputClass}
            />
          </>
        ) : (
          limit.ratePerSecond
        )}
      </td>
      <td className="px-3 py-2 text-sm tabular-nums">
        {canEdit ? (
          <>
            <label className="sr-only" htmlFor={`burst-${id}`}>
              Burst for {limit.provider} {limit.bucket}
            </label>
            <input
              id={`burst-${id}`}
              data-testid={`burst-input-${id}`}
              type="number"
              min={1}
              step={1}
              value={burst}
              onChange={(e) => setBurst(e.target.value)}
              className={inputClass}
            />
          </>
        ) : (
          limit.burst
        )}
      </td>
      <td className="px-3 py-2 text-sm">{limit.updatedAt ? minute(limit.updatedAt) : "built-in default"}</td>
      {canEdit ? (
        <td className="px-3 py-2 text-sm">
          <button
            type="button"
            data-testid={`rate-save-${id}`}
            disabled={!dirty || mutation.isPending}
            onClick={() => mutation.mutate()}
            className="rounded bg-brand-600 px-3 py-1 text-xs font-medium text-white disabled:opacity-40"
          >
            {mutation.isPending ? "Saving…" : "Save"}
          </button>
          {mutation.isError ? (
            <span role="alert" className="ml-2 text-xs text-red-600">
              {mutation.error.message}
            </span>
          ) : null}
          {mutation.isSuccess && !dirty ? (
            <span role="status" className="ml-2 text-xs text-emerald-700 dark:text-emerald-400">
              Saved; applies to the next call.
            </span>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}

/** Rate limits per provider bucket: ADMINs edit them in place; everyone else reads them. */
export function RateLimitTable({ limits, canEdit }: { limits: TRateLimitView[]; canEdit: boolean }) {
  const headers = ["Provider", "Bucket", "Requests / s", "Burst", "Updated", ...(canEdit ? [""] : [])];
  return (
    <div className="overflow-x-auto">
      <table className="w-full" data-testid="rate-limits">
        <TableHead headers={headers} />
        <tbody>
          {limits.map((l) => (
            <RateLimitRow
              key={`${l.provider}:${l.bucket}:${l.ratePerSecond}:${l.burst}`}
              limit={l}
              canEdit={canEdit}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
