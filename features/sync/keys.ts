/** Query keys for the Sync area; rate-limit edits and resyncs invalidate exact keys from here. */
export const syncKeys = {
  all: ["sync"] as const,
  metrics: () => [...syncKeys.all, "metrics"] as const,
  mappings: (filter: { q?: string; status?: string; offset?: number }) =>
    [...syncKeys.all, "mappings", filter] as const,
  history: (id: string) => [...syncKeys.all, "history", id] as const,
  backfill: () => [...syncKeys.all, "backfill"] as const,
};
