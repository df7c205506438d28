"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/features/fetch-json";
import { overviewKeys } from "@/features/overview/keys";
import type { TConnectorStatus } from "@/lib/connectors/status";
import type { TOverviewStats } from "@/lib/overview/stats";

export interface TOverview {
  connectors: TConnectorStatus[];
  stats: TOverviewStats;
}

export function useOverview(initialData: TOverview) {
  return useQuery({
    queryKey: overviewKeys.summary(),
    queryFn: () => fetchJson<TOverview>("/api/console/overview"),
    initialData,
    refetchInterval: 15_000,
  });
}
