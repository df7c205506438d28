import "server-only";
import { z } from "zod";
import { db, Prisma } from "@/lib/db";
import type { SubmissionOutcome } from "@/lib/generated/prisma/enums";
import { log } from "@/lib/logger";
import { classifyInput, storedRawInput } from "@/lib/identity/classify";
import { isValidCode } from "@/lib/identity/code";
import { ensureWechatNode, linkRecord, linkStripeCustomers } from "@/lib/identity/links";

/**
 * Matching: a code someone typed into a HubSpot contact or an OpenApply student → a decision.
 *
 * Exactly one issued code → link (LINKED, or ALREADY_LINKED when the record already was this
 * person's). A failed check character or an unknown code → REVIEW with the issued codes one edit
 * away as suggestions. A record already linked to another person is never relinked automatically →
 * REVIEW. Not code-shaped → INVALID. Never a guess.
 *
 * One CodeSubmission per (system, record, typed value): the webhook, the catch-up search, the poll
 * and the nightly rescan all land on the same row, so a decision (and a review) is made once.
 */

export type TCodeSystem = "HUBSPOT" | "OPENAPPLY";

export interface TSuggestion {
  code: string;
  openid: string;
  /** `one_edit`: the typed value is one substitution or swap away; `exact`: the code itself (record linked elsewhere). */
  reason: "one_edit" | "exact";
}

export type TReviewReason = "check_failed" | "unknown_code" | "linked_to_other_person";

const ZSuggestions = z.array(
  z.object({ code: z.string(), openid: z.string(), reason: z.enum(["one_edit", "exact"]) }),
);

/** MatchReview.suggestions as stored (`[{ code, openid, reason }]`); anything else reads as none. */
export function readSuggestions(value: unknown): TSuggestion[] {
  const parsed = ZSuggestions.safeParse(value);
  return parsed.success ? parsed.data : [];
}

/** Why a submission waits for review, derived from what is stored (no extra column needed). */
export function reviewReason(normalized: string | null, suggestions: TSuggestion[]): TReviewReason {
  if (suggestions.some((s) => s.reason === "exact")) return "linked_to_other_person";
  return normalized && isValidCode(normalized) ? "unknown_code" : "check_failed";
}

export interface TMatchResult {
  /** Null only for blank input (nothing recorded). */
  submissionId: string | null;
  outcome: SubmissionOutcome | "EMPTY";
  /** The follower the record is linked to (LINKED, ALREADY_LINKED, APPROVED): write it back. */
  openid: string | null;
  reviewId: string | null;
  reason: TReviewReason | null;
  suggestions: TSuggestion[];
  /** True when this exact (system, record, value) was decided before; nothing new was recorded. */
  repeated: boolean;
}

export interface TMatchInput {
  system: TCodeSystem;
  recordId: string;
  rawInput: string;
}

const LINKED_OUTCOMES: ReadonlySet<SubmissionOutcome> = new Set(["LINKED", "ALREADY_LINKED", "APPROVED"]);

export function isLinkedOutcome(outcome: TMatchResult["outcome"]): boolean {
  return outcome !== "EMPTY" && LINKED_OUTCOMES.has(outcome);
}

type Tx = Prisma.TransactionClient;

async function previousDecision(tx: Tx, input: TMatchInput, raw: string): Promise<TMatchResult | null> {
  const existing = await tx.codeSubmission.findUnique({
    where: { system_recordId_rawInput: { system: input.system, recordId: input.recordId, rawInput: raw } },
    include: { review: true },
  });
  if (!existing) return null;
  const suggestions = readSuggestions(existing.review?.suggestions);
  return {
    submissionId: existing.id,
    outcome: existing.outcome,
    openid: LINKED_OUTCOMES.has(existing.outcome) ? existing.openid : null,
    reviewId: existing.review?.id ?? null,
    reason: existing.outcome === "REVIEW" ? reviewReason(existing.normalized, suggestions) : null,
    suggestions,
    repeated: true,
  };
}

async function decide(tx: Tx, input: TMatchInput): Promise<TMatchResult> {
  const raw = storedRawInput(input.rawInput);
  const previous = await previousDecision(tx, input, raw);
  if (previous) return previous;

  const classified = classifyInput(raw);
  const base = { system: input.system, recordId: input.recordId, rawInput: raw };
  const record = async (
    outcome: SubmissionOutcome,
    extra: { normalized?: string; openid?: string; reason?: TReviewReason; suggestions?: TSuggestion[] },
  ): Promise<TMatchResult> => {
    const submission = await tx.codeSubmission.create({
      data: { ...base, outcome, normalized: extra.normalized ?? null, openid: extra.openid ?? null },
    });
    const review =
      outcome === "REVIEW"
        ? await tx.matchReview.create({
            data: {
              submissionId: submission.id,
              suggestions: (extra.suggestions ?? []) as unknown as Prisma.InputJsonValue,
            },
          })
        : null;
    return {
      submissionId: submission.id,
      outcome,
      openid: LINKED_OUTCOMES.has(outcome) ? (extra.openid ?? null) : null,
      reviewId: review?.id ?? null,
      reason: extra.reason ?? null,
      suggestions: extra.suggestions ?? [],
      repeated: false,
    };
  };

  if (classified.kind === "invalid") return record("INVALID", {});
  if (classified.kind === "check_failed") {
    const issued = await tx.userCode.findMany({
      where: { code: { in: classified.neighbours } },
      select: { code: true, openid: true },
      orderBy: { code: "asc" },
    });
    return record("REVIEW", {
      normalized: classified.normalized,
      reason: "check_failed",
      suggestions: issued.map((c) => ({ ...c, reason: "one_edit" as const })),
    });
  }
  if (classified.kind !== "valid") throw new Error("unreachable: empty input reached decide()");

  const issued = await tx.userCode.findUnique({ where: { code: classified.normalized } });
  if (!issued) return record("REVIEW", { normalized: classified.normalized, reason: "unknown_code" });

  await ensureWechatNode(tx, issued.openid, "code");
  const link = await linkRecord(tx, {
    personId: issued.openid,
    system: input.system,
    externalId: input.recordId,
    source: "code",
  });
  if (link.result === "conflict") {
    return record("REVIEW", {
      normalized: classified.normalized,
      reason: "linked_to_other_person",
      suggestions: [{ code: issued.code, openid: issued.openid, reason: "exact" }],
    });
  }
  if (input.system === "HUBSPOT") await linkStripeCustomers(tx, issued.openid);
  return record(link.result === "created" ? "LINKED" : "ALREADY_LINKED", {
    normalized: classified.normalized,
    openid: issued.openid,
  });
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** Records and decides one typed code. Safe to call again with the same input (answers `repeated`). */
export async function matchSubmission(input: TMatchInput): Promise<TMatchResult> {
  if (classifyInput(input.rawInput).kind === "empty") {
    return {
      submissionId: null,
      outcome: "EMPTY",
      openid: null,
      reviewId: null,
      reason: null,
      suggestions: [],
      repeated: false,
    };
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await db().$transaction((tx) => decide(tx, input));
      if (!result.repeated) {
        log.info("identity.match", {
          system: input.system,
          recordId: input.recordId,
          outcome: result.outcome,
          reason: result.reason,
          suggestions: result.suggestions.length,
        });
      }
      return result;
    } catch (error) {
      // A concurrent matcher inserted the same submission first: its decision stands; read it.
      if (isUniqueViolation(error) && attempt < 3) continue;
      throw error;
    }
  }
}
