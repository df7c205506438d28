export const settingsKeys = {
  all: ["settings"] as const,
  staff: () => [...settingsKeys.all, "staff"] as const,
};
