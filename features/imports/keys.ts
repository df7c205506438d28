/** Query keys for the Imports area; mutations invalidate `importKeys.job(id)` and `importKeys.list()`. */
export const importKeys = {
  all: ["imports"] as const,
  list: () => [...importKeys.all, "list"] as const,
  job: (id: string) => [...importKeys.all, "job", id] as const,
  allRows: (id: string) => [...importKeys.job(id), "rows"] as const,
  rows: (id: string, object: string, outcome: string, page: number) =>
    [...importKeys.allRows(id), object, outcome, page] as const,
};
