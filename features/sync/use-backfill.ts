"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "@/features/fetch-json";
import { syncKeys } from "@/features/sync/keys";
import type { TBackfillProgress } from "@/lib/sync/backfill";

export function useBackfill(initial: TBackfillProgress) {
  return useQuery({
    queryKey: syncKeys.backfill(),
    queryFn: async () =>
      (await fetchJson<{ progress: TBackfillProgress }>("/api/console/sync/backfill")).progress,
    initialData: initial,
    // Progress moves page by page; 5 s keeps the bar live without polling hard.
    refetchInterval: 5_000,
  });
}

export interface TBackfillBody {
  direction: TBackfillProgress["direction"];
  lifecycleStages: string[];
  restart: boolean;
}

export function useStartBackfill() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TBackfillBody) =>
      fetchJson<{ eventId: string; resumed: boolean }>("/api/console/sync/backfill", {
        method: "POST",
        body: JSON.stringify(body),
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: syncKeys.backfill() }),
  });
}
