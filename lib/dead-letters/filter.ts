import "server-only";
import { z } from "zod";
import type { Prisma } from "@/lib/db";

/** The Dead letters page's filter: status, function, free text on subject / error / event name. */
export const ZDeadLetterFilter = z.object({
  status: z.enum(["open", "replayed", "discarded", "all"]).default("open"),
  functionId: z.string().trim().max(200).optional(),
  q: z.string().trim().max(200).optional(),
});
export type TDeadLetterFilter = z.infer<typeof ZDeadLetterFilter>;

/** Reads the filter from a URL's query string; unknown values fall back to the defaults. */
export function parseDeadLetterFilter(params: URLSearchParams): TDeadLetterFilter {
  const parsed = ZDeadLetterFilter.safeParse({
    status: params.get("status") || undefined,
    functionId: params.get("functionId") || undefined,
    q: params.get("q") || undefined,
  });
  return parsed.success ? parsed.data : ZDeadLetterFilter.parse({});
}

export function deadLetterWhere(filter: TDeadLetterFilter): Prisma.DeadLetterWhereInput {
  const where: Prisma.DeadLetterWhereInput = {};
  if (filter.status !== "all") where.status = filter.status;
  if (filter.functionId) where.functionId = filter.functionId;
  if (filter.q) {
    where.OR = [
      { subject: { contains: filter.q, mode: "insensitive" } },
      { error: { contains: filter.q, mode: "insensitive" } },
      { eventName: { contains: filter.q, mode: "insensitive" } },
      { id: filter.q },
    ];
  }
  return where;
}
