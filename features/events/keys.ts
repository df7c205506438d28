/** Query keys for the Events area; mutations invalidate `eventsKeys.all`. */
export const eventsKeys = {
  all: ["events"] as const,
  list: (filters: Record<string, string>) => [...eventsKeys.all, "list", filters] as const,
};
