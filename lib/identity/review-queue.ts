import "server-only";
import { db } from "@/lib/db";
import type { ReviewStatus } from "@/lib/generated/prisma/enums";
import { formatCode } from "@/lib/identity/code";
import { readSuggestions, reviewReason, type TReviewReason } from "@/lib/identity/match";

/** The review queue as the console shows it: open items oldest first, decided ones newest first. */

export interface TReviewItem {
  id: string;
  status: ReviewStatus;
  createdAt: string;
  system: string;
  recordId: string;
  rawInput: string;
  reason: TReviewReason;
  suggestions: { code: string; openid: string; reason: string }[];
  decidedBy: string | null;
  decidedAt: string | null;
  approvedOpenid: string | null;
}

export async function listReviews(opts: { status: ReviewStatus; limit?: number }): Promise<TReviewItem[]> {
  const rows = await db().matchReview.findMany({
    where: { status: opts.status },
    orderBy: { createdAt: opts.status === "OPEN" ? "asc" : "desc" },
    take: Math.min(opts.limit ?? 50, 200),
    include: { submission: true },
  });
  const deciders = [...new Set(rows.map((r) => r.decidedById).filter((id): id is string => Boolean(id)))];
  const users = deciders.length
    ? await db().user.findMany({ where: { id: { in: deciders } }, select: { id: true, email: true } })
    : [];
  const emailOf = new Map(users.map((u) => [u.id, u.email]));
  return rows.map((r) => {
    const suggestions = readSuggestions(r.suggestions);
    return {
      id: r.id,
      status: r.status,
      createdAt: r.createdAt.toISOString(),
      system: r.submission.system,
      recordId: r.submission.recordId,
      rawInput: r.submission.rawInput,
      reason: reviewReason(r.submission.normalized, suggestions),
      suggestions: suggestions.map((s) => ({ ...s, code: formatCode(s.code) })),
      decidedBy: r.decidedById ? (emailOf.get(r.decidedById) ?? r.decidedById) : null,
      decidedAt: r.decidedAt?.toISOString() ?? null,
      approvedOpenid: r.approvedOpenid,
    };
  });
}

export async function countOpenReviews(): Promise<number> {
  return db().matchReview.count({ where: { status: "OPEN" } });
}
