"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "@/features/fetch-json";
import type { TViewPage } from "@/lib/analytics/warehouse-columns";
import { warehouseKeys } from "./keys";

export interface TIngestRunRow {
  id: string;
  kind: string;
  status: string;
  counts: Record<string, { fetched: number; archived: number; calls: number }> | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

export interface TWarehouseStatus {
  runs: TIngestRunRow[];
  settings: { schedule: string; overlapSeconds: number; portalCurrency: string; teamMatchThreshold: number };
}

export type { TViewPage };

export interface TViewParams {
  sort?: string;
  dir: "asc" | "desc";
  q: string;
  currency: string;
  page: number;
  pageSize: number;
}

export function viewSearch(p: Partial<TViewParams>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== "") s.set(k, String(v));
  return s.toString();
}

export function useWarehouseStatus(initial: TWarehouseStatus) {
  return useQuery({
    queryKey: warehouseKeys.status(),
    queryFn: () => fetchJson<TWarehouseStatus>("/api/console/warehouse/runs"),
    initialData: initial,
    // While a run is in progress, follow it.
    refetchInterval: (q) => (q.state.data?.runs[0]?.status === "running" ? 2000 : 15000),
  });
}

export function useView(view: string, params: TViewParams) {
  return useQuery({
    queryKey: warehouseKeys.view(view, { ...params }),
    queryFn: () => fetchJson<TViewPage>(`/api/console/warehouse/views/${view}?${viewSearch(params)}`),
    placeholderData: keepPreviousData,
  });
}

export function useRunIngest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (kind: "full" | "incremental") =>
      fetchJson<{ queued: boolean }>("/api/console/warehouse/runs", {
        method: "POST",
        body: JSON.stringify({ kind }),
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: warehouseKeys.status() }),
  });
}

export function useSaveWarehouseSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { schedule: string; teamMatchThreshold: number; portalCurrency: string }) =>
      fetchJson<TWarehouseStatus>("/api/console/warehouse/settings", {
        method: "PUT",
        body: JSON.stringify(input),
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: warehouseKeys.all }),
  });
}

export interface TUploadResult {
  received: number;
  imported: number;
  errors: { row: number; field?: string; message: string }[];
}

/** Uploads a CSV file's text to a console endpoint that answers with per-row results. */
export function useCsvUpload(url: (kind: string) => string, invalidate: readonly unknown[]) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ kind, file }: { kind: string; file: File }) =>
      fetchJson<TUploadResult>(url(kind), {
        method: "POST",
        body: await file.text(),
        headers: { "content-type": "text/csv" },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invalidate }),
  });
}
