/** Query keys for the Overview; mutations elsewhere invalidate `overviewKeys.all`. */
export const overviewKeys = {
  all: ["overview"] as const,
  summary: () => [...overviewKeys.all, "summary"] as const,
};
