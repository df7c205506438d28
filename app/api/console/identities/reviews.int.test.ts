/**
 * The review queue through its console routes: roles (VIEWER reads, OPERATOR decides), audit rows,
 * approval linking the record and writing the OpenID back through the write-back function.
 */
import type * as NextAuth from "next-auth";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { GET as listRoute } from "@/app/api/console/identities/reviews/route";
import { POST as approveRoute } from "@/app/api/console/identities/reviews/[id]/approve/route";
import { POST as rejectRoute } from "@/app/api/console/identities/reviews/[id]/reject/route";
import { GET as personRoute } from "@/app/api/console/identities/people/[personId]/route";
import { GET as searchRoute } from "@/app/api/console/identities/route";
import { identityWriteBackFunction } from "@/inngest/functions/identity-write-back";
import { db } from "@/lib/db";
import { resetEnvCacheForTests } from "@/lib/env";
import { generateCode } from "@/lib/identity/code";
import { ensureContactProperty, forgetEnsuredPropertiesForTests } from "@/lib/identity/hubspot-properties";
import { matchSubmission } from "@/lib/identity/match";
import { startHubspotSandbox, type THubspotSandbox } from "@/sandbox/hubspot";
import { startAppInngest, waitFor, type TAppInngest } from "@/test/app-inngest";
import { withFreshDatabase } from "@/test/db";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof NextAuth>()),
  getServerSession: () => Promise.resolve(session.userId ? { user: { id: session.userId } } : null),
}));

const database = withFreshDatabase();
let hubspot: THubspotSandbox;
let app: TAppInngest;
const users: Record<"VIEWER" | "OPERATOR" | "ADMIN", string> = { VIEWER: "", OPERATOR: "", ADMIN: "" };

const as = (role: keyof typeof users | null) => {
  session.userId = role ? users[role] : null;
};

function post(path: string, body: unknown): Request {
  return new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: "http://localhost", host: "localhost" },
    body: JSON.stringify(body),
  });
}
const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(hubspot.url + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as T;
}

async function follower(): Promise<{ openid: string; code: string }> {
  const openid = `oRev_${Math.random().toString(36).slice(2, 10)}`;
  const code = generateCode();
  await db().wechatFollower.create({
    data: { openid, subscribedAt: new Date(), code: { create: { code } } },
  });
  return { openid, code };
}

/** A HubSpot contact whose code has one wrong character → an open review suggesting the right follower. */
async function reviewForTypo() {
  const f = await follower();
  const wrong = f.code.slice(0, 5) + (f.code[5] === "7" ? "8" : "7") + f.code.slice(6);
  const contact = await control<{ id: string }>("POST", "/__sandbox/hubspot/forms/submit", {
    email: `${f.openid}@example.com`,
    properties: { wechat_code: wrong },
  });
  const result = await matchSubmission({ system: "HUBSPOT", recordId: contact.id, rawInput: wrong });
  expect(result.outcome).toBe("REVIEW");
  return { ...f, contactId: contact.id, reviewId: result.reviewId! };
}

beforeAll(async () => {
  hubspot = await startHubspotSandbox({ log: () => {} });
  vi.stubEnv("DATABASE_URL", database.url());
  vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(32));
  vi.stubEnv("HUBSPOT_ACCESS_TOKEN", "pat-na1-11111111-2222-3333-4444-555555555555");
  vi.stubEnv("HUBSPOT_API_BASE", hubspot.url);
  resetEnvCacheForTests();
  for (const role of ["VIEWER", "OPERATOR", "ADMIN"] as const) {
    users[role] = (await db().user.create({ data: { email: `${role.toLowerCase()}@school.test`, role } })).id;
  }
  app = await startAppInngest({ functions: [identityWriteBackFunction], runner: { timeCompression: 1000 } });
}, 90_000);

afterAll(async () => {
  await app?.close();
  await hubspot?.close();
  vi.unstubAllEnvs();
  resetEnvCacheForTests();
});

beforeEach(async () => {
  await control("POST", "/__sandbox/reset");
  forgetEnsuredPropertiesForTests();
  await ensureContactProperty("wechat_code", "code");
  await db().matchReview.deleteMany();
  await db().codeSubmission.deleteMany();
  await db().identityLink.deleteMany();
  as(null);
});

describe("review queue routes", () => {
  it("lets a VIEWER read the queue but not decide (403), and needs a session (401)", async () => {
    const r = await reviewForTypo();
    as(null);
    expect(
      (await listRoute(new Request("http://localhost/api/console/identities/reviews"), ctx({}))).status,
    ).toBe(401);
    as("VIEWER");
    const list = await listRoute(new Request("http://localhost/api/console/identities/reviews"), ctx({}));
    expect(list.status).toBe(200);
    const { reviews } = (await list.json()) as {
      reviews: { id: string; reason: string; suggestions: { openid: string }[] }[];
    };
    expect(reviews).toEqual([
      expect.objectContaining({
        id: r.reviewId,
        reason: "check_failed",
        suggestions: [expect.objectContaining({ openid: r.openid })],
      }),
    ]);
    const denied = await approveRoute(post(`/x`, { openid: r.openid }), ctx({ id: r.reviewId }));
    expect(denied.status).toBe(403);
    expect((await rejectRoute(post(`/x`, {}), ctx({ id: r.reviewId }))).status).toBe(403);
    expect(await db().matchReview.findUniqueOrThrow({ where: { id: r.reviewId } })).toMatchObject({
      status: "OPEN",
    });
  });

  it("an OPERATOR approves a suggestion: linked, audited, OpenID written back to HubSpot", async () => {
    const r = await reviewForTypo();
    as("OPERATOR");
    const res = await approveRoute(post(`/x`, { openid: r.openid }), ctx({ id: r.reviewId }));
    expect(res.status).toBe(200);

    const link = await db().identityLink.findUniqueOrThrow({
      where: { system_externalId: { system: "HUBSPOT", externalId: r.contactId } },
    });
    expect(link).toMatchObject({ personId: r.openid, source: "review", linkedById: users.OPERATOR });
    const submission = await db().codeSubmission.findFirstOrThrow({ where: { recordId: r.contactId } });
    expect(submission).toMatchObject({ outcome: "APPROVED", openid: r.openid });
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "identity.review.approve" } });
    expect(audit).toMatchObject({ actorId: users.OPERATOR, target: `MatchReview:${r.reviewId}` });

    await waitFor(
      async () => {
        const c = await control<{ properties: Record<string, string> }>(
          "GET",
          `/__sandbox/hubspot/objects/contacts/${r.contactId}`,
        );
        return c.properties.wechat_openid === r.openid ? true : undefined;
      },
      "wechat_openid written after approval",
      20_000,
    );

    // Deciding twice is a conflict, not a second link.
    const again = await approveRoute(post(`/x`, { openid: r.openid }), ctx({ id: r.reviewId }));
    expect(again.status).toBe(409);

    // The approved person's timeline shows the form and the link.
    const person = await personRoute(new Request("http://localhost/x"), ctx({ personId: r.openid }));
    const { person: p } = (await person.json()) as { person: { timeline: { kind: string }[] } };
    expect(p.timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(["followed", "code_issued", "form_submitted", "linked"]),
    );
  });

  it("refuses to approve a follower that was not suggested, with a message", async () => {
    const r = await reviewForTypo();
    const other = await follower();
    as("ADMIN");
    const res = await approveRoute(post(`/x`, { openid: other.openid }), ctx({ id: r.reviewId }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/suggested/);
    // A well-formed code nobody was issued is refused too.
    const neverIssued = await approveRoute(post(`/x`, { code: generateCode() }), ctx({ id: r.reviewId }));
    expect(neverIssued.status).toBe(400);
    expect(((await neverIssued.json()) as { error: { message: string } }).error.message).toMatch(
      /never issued/,
    );
    // Refusals changed nothing: still open, no link, no audit.
    expect(await db().matchReview.findUniqueOrThrow({ where: { id: r.reviewId } })).toMatchObject({
      status: "OPEN",
    });
    expect(await db().identityLink.count({ where: { externalId: r.contactId } })).toBe(0);
    expect(await db().auditLog.count({ where: { target: `MatchReview:${r.reviewId}` } })).toBe(0);
    // A typed issued code is accepted instead (the reviewer checked with the family).
    const typed = await approveRoute(post(`/x`, { code: other.code.toLowerCase() }), ctx({ id: r.reviewId }));
    expect(typed.status).toBe(200);
    expect(
      await db().identityLink.findFirstOrThrow({ where: { system: "HUBSPOT", externalId: r.contactId } }),
    ).toMatchObject({ personId: other.openid, source: "review", linkedById: users.ADMIN });
    // Deciding twice is a conflict with a message, not a second link.
    const again = await approveRoute(post(`/x`, { openid: r.openid }), ctx({ id: r.reviewId }));
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(
      /already approved/,
    );
  });

  it("an OPERATOR rejects: nothing linked, audited", async () => {
    const r = await reviewForTypo();
    as("OPERATOR");
    const res = await rejectRoute(post(`/x`, { note: "not our family" }), ctx({ id: r.reviewId }));
    expect(res.status).toBe(200);
    expect(await db().identityLink.count({ where: { externalId: r.contactId } })).toBe(0);
    expect(await db().codeSubmission.findFirstOrThrow({ where: { recordId: r.contactId } })).toMatchObject({
      outcome: "REJECTED",
    });
    const audit = await db().auditLog.findFirstOrThrow({
      where: { action: "identity.review.reject", target: `MatchReview:${r.reviewId}` },
    });
    expect(audit.actorId).toBe(users.OPERATOR);
  });

  it("search finds a person by OpenID, by code typed loosely, and by a mistyped code", async () => {
    const f = await follower();
    await matchSubmission({ system: "HUBSPOT", recordId: "777", rawInput: f.code });
    as("VIEWER");
    const search = async (q: string) => {
      const res = await searchRoute(
        new Request(`http://localhost/api/console/identities?q=${encodeURIComponent(q)}`),
        ctx({}),
      );
      return ((await res.json()) as { people: { personId: string; matchedBy: string }[] }).people;
    };
    expect(await search(f.openid)).toEqual([
      expect.objectContaining({ personId: f.openid, matchedBy: "openid" }),
    ]);
    const loose = `${f.code.slice(0, 4)} - ${f.code.slice(4)}`.toLowerCase();
    expect(await search(loose)).toEqual([expect.objectContaining({ personId: f.openid, matchedBy: "code" })]);
    const wrong = f.code.slice(0, 2) + (f.code[2] === "7" ? "8" : "7") + f.code.slice(3);
    expect(await search(wrong)).toEqual([
      expect.objectContaining({ personId: f.openid, matchedBy: "similar_code" }),
    ]);
    expect(await search("777")).toEqual([
      expect.objectContaining({ personId: f.openid, matchedBy: "record" }),
    ]);
  });
});
