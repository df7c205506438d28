export const warehouseKeys = {
  all: ["warehouse"] as const,
  status: () => [...warehouseKeys.all, "status"] as const,
  view: (view: string, params: Record<string, unknown>) =>
    [...warehouseKeys.all, "view", view, params] as const,
};
