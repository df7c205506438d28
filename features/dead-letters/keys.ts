/** Query keys for Dead letters; replays also invalidate the Sync page's metrics. */
export const deadLetterKeys = {
  all: ["dead-letters"] as const,
  list: (filter: { status: string; functionId?: string; q?: string }) =>
    [...deadLetterKeys.all, "list", filter] as const,
  detail: (id: string) => [...deadLetterKeys.all, "detail", id] as const,
};
