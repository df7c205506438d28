export const campaignKeys = {
  all: ["campaigns"] as const,
  list: () => [...campaignKeys.all, "list"] as const,
  conversation: () => [...campaignKeys.all, "conversation"] as const,
};
