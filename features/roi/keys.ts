export const roiKeys = {
  all: ["roi"] as const,
  roi: (params: Record<string, string>) => [...roiKeys.all, "figures", params] as const,
  spend: () => [...roiKeys.all, "spend"] as const,
};
