export const funnelKeys = {
  all: ["funnel"] as const,
  funnel: (params: Record<string, string>) => [...funnelKeys.all, "stages", params] as const,
  people: (params: Record<string, string | number | boolean>) =>
    [...funnelKeys.all, "people", params] as const,
};
