"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "@/features/fetch-json";
import type { TRoiRow } from "@/lib/analytics/roi";
import { roiKeys } from "./keys";

export type { TRoiMoney, TRoiRow } from "@/lib/analytics/roi";

export interface TSpendRow {
  id: string;
  campaign: string;
  date: string;
  amount: string;
  currency: string;
}

export function useRoi(params: Record<string, string>) {
  return useQuery({
    queryKey: roiKeys.roi(params),
    queryFn: () =>
      fetchJson<{ rows: TRoiRow[]; settings: { valuePerEnrolment: number; enrolmentCurrency: string } }>(
        `/api/console/roi?${new URLSearchParams(Object.entries(params).filter(([, v]) => v))}`,
      ),
    placeholderData: keepPreviousData,
  });
}

export function useSpend() {
  return useQuery({
    queryKey: roiKeys.spend(),
    queryFn: async () => (await fetchJson<{ spend: TSpendRow[] }>("/api/console/roi/spend")).spend,
  });
}

export function useEnterSpend() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { date: string; campaign: string; amount: string; currency: string }) =>
      fetchJson("/api/console/roi/spend", { method: "POST", body: JSON.stringify(input) }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: roiKeys.all }),
  });
}
