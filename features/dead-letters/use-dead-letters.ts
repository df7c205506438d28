"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "@/features/fetch-json";
import { deadLetterKeys } from "@/features/dead-letters/keys";
import { syncKeys } from "@/features/sync/keys";
import type { TDeadLetterDetail, TDeadLetterList } from "@/lib/dead-letters/list";

export interface TDeadLetterQuery {
  status: "open" | "replayed" | "discarded" | "all";
  functionId?: string;
  q?: string;
}

function search(f: TDeadLetterQuery): string {
  const p = new URLSearchParams({ status: f.status });
  if (f.functionId) p.set("functionId", f.functionId);
  if (f.q) p.set("q", f.q);
  return p.toString();
}

const isDefault = (f: TDeadLetterQuery) => f.status === "open" && !f.functionId && !f.q;

export function useDeadLetters(filter: TDeadLetterQuery, initialData: TDeadLetterList) {
  return useQuery({
    queryKey: deadLetterKeys.list(filter),
    queryFn: () => fetchJson<TDeadLetterList>(`/api/console/dead-letters?${search(filter)}`),
    ...(isDefault(filter) ? { initialData } : {}),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
}

export function useDeadLetter(id: string | null) {
  return useQuery({
    queryKey: deadLetterKeys.detail(id ?? ""),
    queryFn: () =>
      fetchJson<{ deadLetter: TDeadLetterDetail }>(
        `/api/console/dead-letters/${encodeURIComponent(id ?? "")}`,
      ),
    enabled: id !== null,
  });
}

function useInvalidate() {
  const queryClient = useQueryClient();
  return async () => {
    await queryClient.invalidateQueries({ queryKey: deadLetterKeys.all });
    await queryClient.invalidateQueries({ queryKey: syncKeys.metrics() });
  };
}

export function useReplay() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (v: { id: string; expectedReplayCount: number }) =>
      fetchJson<{ replay: { id: string; replayCount: number; eventId: string } }>(
        `/api/console/dead-letters/${encodeURIComponent(v.id)}/replay`,
        { method: "POST", body: JSON.stringify({ expectedReplayCount: v.expectedReplayCount }) },
      ),
    onSettled: invalidate,
  });
}

export function useReplayAll() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (filter: TDeadLetterQuery) =>
      fetchJson<{ replayed: number; remaining: number }>("/api/console/dead-letters/replay-all", {
        method: "POST",
        body: JSON.stringify(filter),
      }),
    onSettled: invalidate,
  });
}

export function useDiscard() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) =>
      fetchJson(`/api/console/dead-letters/${encodeURIComponent(id)}/discard`, {
        method: "POST",
        body: JSON.stringify({}),
      }),
    onSettled: invalidate,
  });
}
