/**
 * Matching end to end through the real sandboxes: HubSpot (contact property → webhook domain event →
 * re-read → match → wechat_openid written back), OpenApply (poll → Application → custom field), the
 * catch-up and nightly scans, and the review queue's decisions through the console routes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { identityHubspotCatchUpFunction } from "@/inngest/functions/identity-hubspot-catch-up";
import { identityHubspotContactFunction } from "@/inngest/functions/identity-hubspot-contact";
import { identityReconcileFunction } from "@/inngest/functions/identity-reconcile";
import { identityWriteBackFunction } from "@/inngest/functions/identity-write-back";
import { openapplyPollFunction } from "@/inngest/functions/openapply-poll";
import { db } from "@/lib/db";
import { resetEnvCacheForTests } from "@/lib/env";
import { generateCode } from "@/lib/identity/code";
import { ensureContactProperty, forgetEnsuredPropertiesForTests } from "@/lib/identity/hubspot-properties";
import { matchSubmission } from "@/lib/identity/match";
import { getPerson } from "@/lib/identity/timeline";
import { startHubspotSandbox, type THubspotSandbox } from "@/sandbox/hubspot";
import { startOpenApplySandbox, type TOpenApplySandbox } from "@/sandbox/openapply";
import { startAppInngest, type TAppInngest } from "@/test/app-inngest";
import { withFreshDatabase } from "@/test/db";

const database = withFreshDatabase();
let hubspot: THubspotSandbox;
let openapply: TOpenApplySandbox;
let app: TAppInngest;

async function control<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

let followerSeq = 0;
/** A follower with an issued code, as the WeChat callback leaves them. */
async function issueCode(): Promise<{ openid: string; code: string }> {
  const openid = `oTest_${process.pid}_${++followerSeq}_${Math.random().toString(36).slice(2, 8)}`;
  const code = generateCode();
  await db().wechatFollower.create({
    data: { openid, subscribedAt: new Date(), code: { create: { code } } },
  });
  return { openid, code };
}

/** One character changed so the check fails (never to a symbol that O/I/L would normalise back). */
function typo(code: string, at = 3): string {
  const replacement = code[at] === "7" ? "8" : "7";
  return code.slice(0, at) + replacement + code.slice(at + 1);
}

async function submitForm(email: string, properties: Record<string, string>): Promise<string> {
  const c = await control<{ id: string }>(hubspot.url, "POST", "/__sandbox/hubspot/forms/submit", {
    email,
    properties,
  });
  return c.id;
}

async function rawContact(id: string): Promise<Record<string, string | null>> {
  return (
    await control<{ properties: Record<string, string | null> }>(
      hubspot.url,
      "GET",
      `/__sandbox/hubspot/objects/contacts/${id}`,
    )
  ).properties;
}

async function contactChanged(
  contactId: string,
  subscriptionType = "contact.creation",
  changes?: { property: string; value: string | null }[],
) {
  const id = await app.send("revbridge/hubspot.contact.changed", {
    contactId,
    occurredAt: Date.now(),
    subscriptionType,
    ...(changes ? { changes } : {}),
  });
  const [run] = await app.finishedRunsForEvent(id);
  expect(run?.status).toBe("Completed");
  return run!.output as Record<string, unknown>;
}

beforeAll(async () => {
  hubspot = await startHubspotSandbox({ log: () => {} });
  openapply = await startOpenApplySandbox({ perSecond: 200, log: () => {} });
  vi.stubEnv("DATABASE_URL", database.url());
  vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(32));
  vi.stubEnv("HUBSPOT_ACCESS_TOKEN", "pat-na1-11111111-2222-3333-4444-555555555555");
  vi.stubEnv("HUBSPOT_API_BASE", hubspot.url);
  vi.stubEnv("OPENAPPLY_API_BASE", openapply.url);
  vi.stubEnv("OPENAPPLY_API_TOKEN", "openapply-test-token");
  resetEnvCacheForTests();
  app = await startAppInngest({
    functions: [
      identityHubspotContactFunction,
      identityHubspotCatchUpFunction,
      identityReconcileFunction,
      identityWriteBackFunction,
      openapplyPollFunction,
    ],
    runner: { timeCompression: 1000 },
  });
}, 90_000);

afterAll(async () => {
  await app?.close();
  await hubspot?.close();
  await openapply?.close();
  vi.unstubAllEnvs();
  resetEnvCacheForTests();
});

beforeEach(async () => {
  await control(hubspot.url, "POST", "/__sandbox/reset");
  await control(openapply.url, "POST", "/__sandbox/reset");
  forgetEnsuredPropertiesForTests();
  // The portal has a form field for the code; the OpenID property is ours to create.
  await ensureContactProperty("wechat_code", "code");
  // The sandboxes restart their ids (contacts from 101) on reset, so our records must go too.
  await db().matchReview.deleteMany();
  await db().codeSubmission.deleteMany();
  await db().identityLink.deleteMany();
  await db().syncLog.deleteMany();
  await db().application.deleteMany();
  await db().appSetting.deleteMany();
});

describe("HubSpot contact → match → write-back", () => {
  it("links the right code and writes wechat_openid back (creating the property the portal lacked)", async () => {
    const { openid, code } = await issueCode();
    const contactId = await submitForm("right@example.com", {
      wechat_code: `${code.slice(0, 4)}-${code.slice(4)}`.toLowerCase(),
    });
    expect((await rawContact(contactId)).wechat_openid).toBeUndefined();

    const out = await contactChanged(contactId);
    // The catch-up cron (every 10 minutes of wall-clock time) may tick during this test and link the
    // contact first or at the same moment; either way the right OpenID is written.
    expect(out).toMatchObject({ outcome: "LINKED" });
    expect(["written", "unchanged"]).toContain(out.writeBack);
    expect((await rawContact(contactId)).wechat_openid).toBe(openid);

    const links = await db().identityLink.findMany({
      where: { personId: openid },
      orderBy: { system: "asc" },
    });
    expect(links.map((l) => [l.system, l.externalId])).toEqual([
      ["HUBSPOT", contactId],
      ["WECHAT", openid],
    ]);
    const log = await db().syncLog.findFirst({ where: { direction: "identity", targetId: contactId } });
    expect(log).toMatchObject({ outcome: "applied", targetSystem: "HUBSPOT", sourceId: openid });

    // The same webhook again (HubSpot retries, the echo of our own write): nothing new happens.
    const again = await contactChanged(contactId, "contact.propertyChange", [
      { property: "wechat_code", value: code },
    ]);
    expect(again).toMatchObject({ outcome: "LINKED", writeBack: "unchanged" });
    expect(await db().codeSubmission.count({ where: { recordId: contactId } })).toBe(1);
    const echo = await contactChanged(contactId, "contact.propertyChange", [
      { property: "wechat_openid", value: openid },
    ]);
    expect(echo).toEqual({ skipped: "not_a_code_change" });
  });

  it("sends one wrong character to review with the right code suggested, and links nothing", async () => {
    const { openid, code } = await issueCode();
    const contactId = await submitForm("typo@example.com", { wechat_code: typo(code) });
    const out = await contactChanged(contactId);
    expect(out).toMatchObject({ outcome: "REVIEW", reason: "check_failed" });

    const review = await db().matchReview.findFirstOrThrow({
      include: { submission: true },
      where: { submission: { recordId: contactId } },
    });
    expect(review.status).toBe("OPEN");
    expect(review.suggestions).toEqual(expect.arrayContaining([{ code, openid, reason: "one_edit" }]));
    expect(await db().identityLink.count({ where: { system: "HUBSPOT", externalId: contactId } })).toBe(0);
    expect((await rawContact(contactId)).wechat_openid).toBeUndefined();
  });

  it("sends an unknown (well-formed, never issued) code to review without suggestions", async () => {
    const contactId = await submitForm("unknown@example.com", { wechat_code: generateCode() });
    const out = await contactChanged(contactId);
    expect(out).toMatchObject({ outcome: "REVIEW", reason: "unknown_code", suggestions: 0 });
    const review = await db().matchReview.findFirstOrThrow({
      where: { submission: { recordId: contactId } },
    });
    expect(review.suggestions).toEqual([]);
  });

  it("never relinks a contact already linked to another person: review instead", async () => {
    const a = await issueCode();
    const b = await issueCode();
    const contactId = await submitForm("shared@example.com", { wechat_code: a.code });
    expect(await contactChanged(contactId)).toMatchObject({ outcome: "LINKED" });

    await submitForm("shared@example.com", { wechat_code: b.code });
    const out = await contactChanged(contactId, "contact.propertyChange", [
      { property: "wechat_code", value: b.code },
    ]);
    expect(out).toMatchObject({ outcome: "REVIEW", reason: "linked_to_other_person" });
    const link = await db().identityLink.findUniqueOrThrow({
      where: { system_externalId: { system: "HUBSPOT", externalId: contactId } },
    });
    expect(link.personId).toBe(a.openid);
    expect((await rawContact(contactId)).wechat_openid).toBe(a.openid);
  });

  it("records a value that is not a code as INVALID, without a review", async () => {
    const contactId = await submitForm("na@example.com", { wechat_code: "n/a" });
    expect(await contactChanged(contactId)).toMatchObject({ outcome: "INVALID" });
    expect(await db().matchReview.count({ where: { submission: { recordId: contactId } } })).toBe(0);
  });

  it("decides concurrent deliveries of the same code once", async () => {
    const { openid, code } = await issueCode();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        matchSubmission({ system: "HUBSPOT", recordId: "race-1", rawInput: code }),
      ),
    );
    expect(new Set(results.map((r) => r.submissionId)).size).toBe(1);
    expect(results.filter((r) => !r.repeated)).toHaveLength(1);
    expect(results.every((r) => r.openid === openid)).toBe(true);
    expect(await db().identityLink.count({ where: { externalId: "race-1" } })).toBe(1);
  });
});

describe("identity graph", () => {
  it("follows the contact ⇄ customer map to Stripe and shows the whole journey on the timeline", async () => {
    const { openid, code } = await issueCode();
    const contactId = await submitForm("journey@example.com", { wechat_code: code });
    await contactChanged(contactId);
    await db().contactCustomerMap.create({
      data: { hubspotContactId: contactId, stripeCustomerId: "cus_journey", email: "journey@example.com" },
    });
    await db().purchase.create({
      data: {
        purchaseKey: "pi_journey",
        stripeCustomerId: "cus_journey",
        hubspotContactId: contactId,
        amount: 120000,
        currency: "cny",
        paidAt: new Date(),
      },
    });
    const person = await getPerson(openid);
    expect(person?.links.map((l) => l.system).sort()).toEqual(["HUBSPOT", "STRIPE", "WECHAT"]);
    expect(person?.timeline.map((e) => e.kind)).toEqual(
      expect.arrayContaining(["followed", "code_issued", "form_submitted", "linked", "paid"]),
    );
    // In the journey's order, even where the link and its submission share a transaction.
    expect(person?.timeline.slice(0, 4).map((e) => `${e.kind}:${e.system}`)).toEqual([
      "followed:WECHAT",
      "code_issued:WECHAT",
      "form_submitted:HUBSPOT",
      "linked:HUBSPOT",
    ]);
    expect(person?.timeline.find((e) => e.kind === "paid")?.detail).toBe("1200.00 CNY");
    await db().purchase.deleteMany();
    await db().contactCustomerMap.deleteMany();
  });
});

describe("backstops: catch-up search and nightly reconciliation", () => {
  it("the catch-up finds a contact whose webhook never arrived", async () => {
    const { openid, code } = await issueCode();
    const contactId = await submitForm("missed@example.com", { wechat_code: code });
    const id = await app.send("revbridge/identity.hubspot-catch-up.requested", {
      sinceMs: Date.now() - 60_000,
    });
    const [run] = await app.finishedRunsForEvent(id);
    expect(run?.status).toBe("Completed");
    expect((await rawContact(contactId)).wechat_openid).toBe(openid);
  });

  it("the reconciliation rescans both systems for unmatched codes", async () => {
    const h = await issueCode();
    const o = await issueCode();
    const contactId = await submitForm("nightly@example.com", { wechat_code: h.code });
    const { student } = await control<{ student: { id: number } }>(
      openapply.url,
      "POST",
      "/__sandbox/openapply/applications",
      {
        first_name: "Night",
        last_name: "Owl",
        custom_fields: { wechat_code: o.code },
      },
    );
    const id = await app.send("revbridge/identity.reconcile.requested", {});
    const [run] = await app.finishedRunsForEvent(id, 1, 40_000);
    expect(run?.status).toBe("Completed");
    expect((await rawContact(contactId)).wechat_openid).toBe(h.openid);
    expect(openapply.store.student(student.id)?.custom_fields.wechat_openid).toBe(o.openid);
  });
});

describe("OpenApply poll", () => {
  it("records applications, links the custom-field code and writes the OpenID field", async () => {
    const { openid, code } = await issueCode();
    const { student } = await control<{ student: { id: number } }>(
      openapply.url,
      "POST",
      "/__sandbox/openapply/applications",
      {
        first_name: "Mei",
        last_name: "Chen",
        email: "mei@example.com",
        custom_fields: { wechat_code: code },
      },
    );
    await control(openapply.url, "POST", `/__sandbox/openapply/students/${student.id}/status`, {
      status: "enrolled",
    });

    const first = await app.send("revbridge/openapply.poll.requested", {});
    const [run] = await app.finishedRunsForEvent(first);
    expect(run?.status).toBe("Completed");
    expect(openapply.store.student(student.id)?.custom_fields.wechat_openid).toBe(openid);
    const application = await db().application.findUniqueOrThrow({
      where: { studentId: String(student.id) },
    });
    expect(application).toMatchObject({ status: "enrolled", wechatCode: code });
    expect(application.appliedAt).toBeInstanceOf(Date);
    expect(application.enrolledAt).toBeInstanceOf(Date);
    expect(await db().identityLink.count({ where: { personId: openid, system: "OPENAPPLY" } })).toBe(1);
    const cursor = await db().appSetting.findUniqueOrThrow({ where: { key: "identity.openapply.cursor" } });
    expect((cursor.value as { updatedSince: string }).updatedSince).toBeTruthy();

    // The next poll sees our own write (updated_at moved) and changes nothing.
    const second = await app.send("revbridge/openapply.poll.requested", {});
    await app.finishedRunsForEvent(second);
    const writes = await db().syncLog.count({ where: { targetSystem: "OPENAPPLY", outcome: "applied" } });
    expect(writes).toBe(1);
  });
});
