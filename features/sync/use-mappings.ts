"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/features/fetch-json";
import { syncKeys } from "@/features/sync/keys";
import type { THistoryEntry, TMappingRow } from "@/lib/sync-console/mappings";

export interface TMappingQuery {
  q: string;
  status: string;
  offset: number;
}

function search(filter: TMappingQuery): string {
  const p = new URLSearchParams();
  if (filter.q) p.set("q", filter.q);
  if (filter.status !== "all") p.set("status", filter.status);
  if (filter.offset) p.set("offset", String(filter.offset));
  return p.toString();
}

export function useMappings(filter: TMappingQuery, initialData?: { rows: TMappingRow[]; total: number }) {
  const isInitial = !filter.q && filter.status === "all" && filter.offset === 0;
  return useQuery({
    queryKey: syncKeys.mappings(filter),
    queryFn: () =>
      fetchJson<{ rows: TMappingRow[]; total: number }>(`/api/console/sync/mappings?${search(filter)}`),
    ...(isInitial && initialData ? { initialData } : {}),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  });
}

export function useMappingHistory(id: string | null) {
  return useQuery({
    queryKey: syncKeys.history(id ?? ""),
    queryFn: () =>
      fetchJson<{ mapping: TMappingRow; entries: THistoryEntry[] }>(
        `/api/console/sync/mappings/${encodeURIComponent(id ?? "")}`,
      ),
    enabled: id !== null,
    refetchInterval: 5_000,
  });
}

export type TResyncBody =
  | { system: "HUBSPOT" | "STRIPE"; objectId: string }
  | { system: "HUBSPOT" | "STRIPE"; filter: { q?: string; status: string } };

export function useResync() {
  return useMutation({
    mutationFn: (body: TResyncBody) =>
      fetchJson<{ eventId?: string; requested?: number; matched?: number }>("/api/console/sync/resync", {
        method: "POST",
        body: JSON.stringify(body),
      }),
  });
}
