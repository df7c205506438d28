import "server-only";
import { db } from "@/lib/db";
import { formatCode } from "@/lib/identity/code";
import { linkStripeCustomers } from "@/lib/identity/links";
import { labelOf, labelRecords, type TRecordLabel } from "@/lib/identity/record-labels";

/**
 * One person across systems: their WeChat follow, code, linked records and what happened, in order
 * (followed → code issued → form submitted → linked → applied → enrolled → paid). `personId` is the
 * OpenID. Reading a person also adds Stripe edges the contact ⇄ customer map now allows.
 */

export type TTimelineKind =
  "followed" | "code_issued" | "form_submitted" | "linked" | "applied" | "enrolled" | "paid";

export interface TTimelineEvent {
  at: string;
  kind: TTimelineKind;
  system: string | null;
  recordId: string | null;
  detail: string;
}

export interface TPerson {
  personId: string;
  follower: {
    openid: string;
    subscribedAt: string | null;
    firstSeenAt: string;
    campaign: string | null;
    language: string | null;
  } | null;
  code: string | null;
  links: {
    system: string;
    externalId: string;
    source: string;
    linkedAt: string;
    label: TRecordLabel | null;
  }[];
  timeline: TTimelineEvent[];
}

const KIND_ORDER: Record<TTimelineKind, number> = {
  followed: 0,
  code_issued: 1,
  form_submitted: 2,
  linked: 3,
  applied: 4,
  enrolled: 5,
  paid: 6,
};

const OUTCOME_TEXT: Record<string, string> = {
  LINKED: "matched and linked",
  ALREADY_LINKED: "already linked",
  REVIEW: "sent to review",
  APPROVED: "approved by a reviewer",
  REJECTED: "rejected by a reviewer",
  INVALID: "not a code",
};

function money(amount: number, currency: string): string {
  return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
}

export async function getPerson(personId: string): Promise<TPerson | null> {
  await db().$transaction((tx) => linkStripeCustomers(tx, personId));
  const [follower, links] = await Promise.all([
    db().wechatFollower.findUnique({ where: { openid: personId }, include: { code: true, campaign: true } }),
    db().identityLink.findMany({ where: { personId }, orderBy: { linkedAt: "asc" } }),
  ]);
  if (!follower && links.length === 0) return null;

  const ids = (system: string) => links.filter((l) => l.system === system).map((l) => l.externalId);
  const hubspotIds = ids("HUBSPOT");
  const studentIds = ids("OPENAPPLY");
  const customerIds = ids("STRIPE");
  const records = [
    ...hubspotIds.map((id) => ({ system: "HUBSPOT", id })),
    ...studentIds.map((id) => ({ system: "OPENAPPLY", id })),
  ];

  const [submissions, applications, purchases, labels] = await Promise.all([
    db().codeSubmission.findMany({
      where: {
        OR: [
          { openid: personId },
          ...records.map((r) => ({ system: r.system as "HUBSPOT" | "OPENAPPLY", recordId: r.id })),
        ],
      },
      orderBy: { createdAt: "asc" },
      take: 200,
    }),
    studentIds.length ? db().application.findMany({ where: { studentId: { in: studentIds } } }) : [],
    hubspotIds.length || customerIds.length
      ? db().purchase.findMany({
          where: {
            OR: [
              ...(customerIds.length ? [{ stripeCustomerId: { in: customerIds } }] : []),
              ...(hubspotIds.length ? [{ hubspotContactId: { in: hubspotIds } }] : []),
            ],
          },
          orderBy: { paidAt: "asc" },
          take: 200,
        })
      : [],
    labelRecords(links, { live: true }),
  ]);

  const timeline: TTimelineEvent[] = [];
  const push = (at: Date | null | undefined, e: Omit<TTimelineEvent, "at">) => {
    if (at) timeline.push({ at: at.toISOString(), ...e });
  };
  if (follower) {
    push(follower.subscribedAt ?? follower.firstSeenAt, {
      kind: "followed",
      system: "WECHAT",
      recordId: follower.openid,
      detail: follower.campaign
        ? `via campaign “${follower.campaign.name}”`
        : follower.subscribedAt
          ? "followed the Official Account"
          : "first seen",
    });
    if (follower.code) {
      push(follower.code.issuedAt, {
        kind: "code_issued",
        system: "WECHAT",
        recordId: follower.openid,
        detail: formatCode(follower.code.code),
      });
    }
  }
  for (const s of submissions) {
    push(s.createdAt, {
      kind: "form_submitted",
      system: s.system,
      recordId: s.recordId,
      detail: `typed “${s.rawInput.slice(0, 40)}” — ${OUTCOME_TEXT[s.outcome] ?? s.outcome}`,
    });
  }
  for (const l of links) {
    if (l.system === "WECHAT") continue;
    // A code link is written a moment before its submission row (same transaction): show it after.
    const decided = submissions.find(
      (s) => s.system === l.system && s.recordId === l.externalId && s.openid === personId,
    );
    const at = decided && decided.createdAt > l.linkedAt ? decided.createdAt : l.linkedAt;
    push(at, {
      kind: "linked",
      system: l.system,
      recordId: l.externalId,
      detail:
        l.source === "review"
          ? "linked by a reviewer"
          : l.source === "contact_customer_map"
            ? "customer of a linked contact"
            : "linked by code",
    });
  }
  for (const a of applications) {
    push(a.appliedAt, {
      kind: "applied",
      system: "OPENAPPLY",
      recordId: a.studentId,
      detail: `status ${a.status}`,
    });
    push(a.enrolledAt, { kind: "enrolled", system: "OPENAPPLY", recordId: a.studentId, detail: "enrolled" });
  }
  for (const p of purchases) {
    push(p.paidAt, {
      kind: "paid",
      system: "STRIPE",
      recordId: p.stripeCustomerId ?? p.hubspotContactId,
      detail: money(p.amount, p.currency),
    });
  }
  // Same millisecond (a code matched in the transaction that records it): the journey's order decides.
  timeline.sort((a, b) => a.at.localeCompare(b.at) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);

  return {
    personId,
    follower: follower
      ? {
          openid: follower.openid,
          subscribedAt: follower.subscribedAt?.toISOString() ?? null,
          firstSeenAt: follower.firstSeenAt.toISOString(),
          campaign: follower.campaign?.name ?? null,
          language: follower.language,
        }
      : null,
    code: follower?.code ? formatCode(follower.code.code) : null,
    links: links.map((l) => ({
      system: l.system,
      externalId: l.externalId,
      source: l.source,
      linkedAt: l.linkedAt.toISOString(),
      label: labelOf(labels, l.system, l.externalId),
    })),
    timeline,
  };
}
