import "server-only";
import { recordAudit } from "@/lib/audit";
import type { TStaff } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { normalizeCode } from "@/lib/identity/code";
import { ensureWechatNode, linkStripeCustomers } from "@/lib/identity/links";
import { readSuggestions, type TCodeSystem } from "@/lib/identity/match";

/**
 * The review queue's decisions. Approval links the record to the chosen follower (moving the
 * record's link when it belonged to someone else — that is exactly what a person decided), marks
 * the submission APPROVED and audits it in the same transaction; the caller then asks for the
 * write-back. Rejection links nothing.
 */

export interface TApproval {
  reviewId: string;
  system: TCodeSystem;
  recordId: string;
  openid: string;
}

async function openReview(
  tx: Parameters<Parameters<ReturnType<typeof db>["$transaction"]>[0]>[0],
  id: string,
) {
  const review = await tx.matchReview.findUnique({ where: { id }, include: { submission: true } });
  if (!review) throw new AppError("not_found", "No such review item; it may have been removed.");
  if (review.status !== "OPEN") {
    throw new AppError(
      "conflict",
      `This review was already ${review.status.toLowerCase()}${review.decidedAt ? ` at ${review.decidedAt.toISOString()}` : ""}.`,
    );
  }
  return review;
}

/**
 * Approves with one of the suggestions (`openid`), or with a code the reviewer found and typed
 * (`code`, read forgivingly; it must be an issued code).
 */
export async function approveReview(
  staff: Pick<TStaff, "id">,
  reviewId: string,
  choice: { openid?: string; code?: string },
): Promise<TApproval> {
  return db().$transaction(async (tx) => {
    const review = await openReview(tx, reviewId);
    const suggestions = readSuggestions(review.suggestions);
    let openid: string;
    let via: "suggestion" | "typed_code";
    if (choice.openid) {
      const picked = suggestions.find((s) => s.openid === choice.openid);
      if (!picked)
        throw new AppError("bad_request", "Pick one of the suggested followers.", {
          openid: "not a suggestion",
        });
      openid = picked.openid;
      via = "suggestion";
    } else if (choice.code) {
      const normalized = normalizeCode(choice.code);
      const issued = normalized ? await tx.userCode.findUnique({ where: { code: normalized } }) : null;
      if (!issued) {
        throw new AppError("bad_request", "That code was never issued; check it with the follower.", {
          code: "not an issued code",
        });
      }
      openid = issued.openid;
      via = "typed_code";
    } else {
      throw new AppError("bad_request", "Choose a suggested follower or type an issued code.");
    }

    const { system, recordId } = review.submission;
    const previous = await tx.identityLink.findUnique({
      where: { system_externalId: { system, externalId: recordId } },
    });
    await ensureWechatNode(tx, openid, "review");
    if (previous) {
      await tx.identityLink.update({
        where: { id: previous.id },
        data: { personId: openid, source: "review", linkedById: staff.id, linkedAt: new Date() },
      });
    } else {
      await tx.identityLink.create({
        data: { personId: openid, system, externalId: recordId, source: "review", linkedById: staff.id },
      });
    }
    if (system === "HUBSPOT") await linkStripeCustomers(tx, openid);
    await tx.codeSubmission.update({
      where: { id: review.submissionId },
      data: { outcome: "APPROVED", openid },
    });
    await tx.matchReview.update({
      where: { id: review.id },
      data: { status: "APPROVED", decidedById: staff.id, decidedAt: new Date(), approvedOpenid: openid },
    });
    await recordAudit(
      {
        actorId: staff.id,
        action: "identity.review.approve",
        target: `MatchReview:${review.id}`,
        details: {
          system,
          recordId,
          openid,
          via,
          rawInput: review.submission.rawInput.slice(0, 40),
          relinkedFrom: previous && previous.personId !== openid ? previous.personId : null,
        },
      },
      tx,
    );
    if (system !== "HUBSPOT" && system !== "OPENAPPLY") throw new Error(`unexpected system ${system}`);
    return { reviewId: review.id, system, recordId, openid };
  });
}

export async function rejectReview(
  staff: Pick<TStaff, "id">,
  reviewId: string,
  note?: string,
): Promise<void> {
  await db().$transaction(async (tx) => {
    const review = await openReview(tx, reviewId);
    await tx.codeSubmission.update({ where: { id: review.submissionId }, data: { outcome: "REJECTED" } });
    await tx.matchReview.update({
      where: { id: review.id },
      data: { status: "REJECTED", decidedById: staff.id, decidedAt: new Date() },
    });
    await recordAudit(
      {
        actorId: staff.id,
        action: "identity.review.reject",
        target: `MatchReview:${review.id}`,
        details: {
          system: review.submission.system,
          recordId: review.submission.recordId,
          rawInput: review.submission.rawInput.slice(0, 40),
          ...(note ? { note: note.slice(0, 200) } : {}),
        },
      },
      tx,
    );
  });
}
