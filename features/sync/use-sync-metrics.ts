"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "@/features/fetch-json";
import { syncKeys } from "@/features/sync/keys";
import type { TSyncMetrics } from "@/lib/sync-console/metrics";

export interface TLiveMetrics extends TSyncMetrics {
  /**
   * Requests per second each bucket granted between the previous sample and this one, from the
   * governor's monotonic counters; absent on the first sample (nothing to compare with yet).
   */
  grantedPerSecond: Record<string, number>;
}

export const bucketKey = (b: { provider: string; bucket: string }) => `${b.provider}:${b.bucket}`;

function withRates(next: TSyncMetrics, prev: TLiveMetrics | undefined): TLiveMetrics {
  const grantedPerSecond: Record<string, number> = {};
  if (prev) {
    const seconds = (Date.parse(next.generatedAt) - Date.parse(prev.generatedAt)) / 1000;
    if (seconds > 0) {
      const before = new Map(prev.governor.map((g) => [bucketKey(g), g.grantedTotal]));
      for (const g of next.governor) {
        const b = before.get(bucketKey(g));
        if (b !== undefined) grantedPerSecond[bucketKey(g)] = Math.max(0, g.grantedTotal - b) / seconds;
      }
    }
  }
  return { ...next, grantedPerSecond };
}

/** Live figures: refetched every 5 s while the page is open (server-side aggregation keeps it cheap). */
export function useSyncMetrics(initial: TSyncMetrics) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: syncKeys.metrics(),
    queryFn: async () =>
      withRates(
        await fetchJson<TSyncMetrics>("/api/console/sync/metrics"),
        queryClient.getQueryData<TLiveMetrics>(syncKeys.metrics()),
      ),
    initialData: () => withRates(initial, undefined),
    // The server's timestamp, not "now" at hydration: the page prints this time, and a value that
    // differs between server render and hydration is a hydration mismatch (React re-renders the root).
    initialDataUpdatedAt: Date.parse(initial.generatedAt),
    refetchInterval: 5_000,
  });
}
