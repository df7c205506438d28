/**
 * Matching settings and the on-demand backstops through their console routes: ADMIN edits (audited),
 * lower roles and bad input are refused with a message and change nothing; OPERATOR runs the nightly
 * reconciliation now and it really runs.
 */
import type * as NextAuth from "next-auth";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { POST as runRoute } from "@/app/api/console/identities/run/route";
import { GET as getSettings, PUT as putSettings } from "@/app/api/console/identities/settings/route";
import { IDENTITY_RECONCILE_ID, identityReconcileFunction } from "@/inngest/functions/identity-reconcile";
import { db } from "@/lib/db";
import { resetEnvCacheForTests } from "@/lib/env";
import { DEFAULT_IDENTITY_SETTINGS, IDENTITY_SETTINGS_KEY } from "@/lib/identity/settings";
import { startAppInngest, type TAppInngest } from "@/test/app-inngest";
import { withFreshDatabase } from "@/test/db";
import { consoleRequest as request } from "@/test/console-request";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof NextAuth>()),
  getServerSession: () => Promise.resolve(session.userId ? { user: { id: session.userId } } : null),
}));

const database = withFreshDatabase();
let app: TAppInngest;
const users: Record<"VIEWER" | "OPERATOR" | "ADMIN", string> = { VIEWER: "", OPERATOR: "", ADMIN: "" };
const as = (role: keyof typeof users | null) => {
  session.userId = role ? users[role] : null;
};
const ctx = { params: Promise.resolve({}) };

const valid = {
  ...DEFAULT_IDENTITY_SETTINGS,
  hubspotCodeProperty: "school_wechat_code",
  reconcileTimeZone: "Europe/London",
  reconcileHour: 3,
};

async function stored() {
  return (await db().appSetting.findUnique({ where: { key: IDENTITY_SETTINGS_KEY } }))?.value ?? null;
}

async function errorMessage(res: Response): Promise<string> {
  return ((await res.json()) as { error: { message: string; details?: unknown } }).error.message;
}

beforeAll(async () => {
  vi.stubEnv("DATABASE_URL", database.url());
  vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(32));
  resetEnvCacheForTests();
  for (const role of ["VIEWER", "OPERATOR", "ADMIN"] as const) {
    users[role] = (await db().user.create({ data: { email: `${role.toLowerCase()}@school.test`, role } })).id;
  }
  app = await startAppInngest({ functions: [identityReconcileFunction] });
}, 90_000);

afterAll(async () => {
  await app?.close();
  vi.unstubAllEnvs();
  resetEnvCacheForTests();
});

beforeEach(async () => {
  await db().appSetting.deleteMany({ where: { key: IDENTITY_SETTINGS_KEY } });
  await db().auditLog.deleteMany();
  as(null);
});

describe("matching settings route", () => {
  it("reads the defaults, and an ADMIN's change is stored, audited and read back", async () => {
    as("VIEWER");
    const before = await getSettings(request("GET", "/api/console/identities/settings"), ctx);
    expect(await before.json()).toEqual({ settings: DEFAULT_IDENTITY_SETTINGS });

    as("ADMIN");
    const res = await putSettings(request("PUT", "/api/console/identities/settings", valid), ctx);
    expect(res.status).toBe(200);
    expect(await stored()).toEqual(valid);
    const audit = await db().auditLog.findMany({ where: { action: "identity.settings.update" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: users.ADMIN,
      details: { from: DEFAULT_IDENTITY_SETTINGS, to: valid },
    });
    as("VIEWER");
    const after = await getSettings(request("GET", "/api/console/identities/settings"), ctx);
    expect(await after.json()).toEqual({ settings: valid });
  });

  it("refuses an OPERATOR (403) and changes nothing", async () => {
    as("OPERATOR");
    const res = await putSettings(request("PUT", "/api/console/identities/settings", valid), ctx);
    expect(res.status).toBe(403);
    expect(await stored()).toBeNull();
    expect(await db().auditLog.count()).toBe(0);
  });

  it.each([
    ["an unknown time zone", { ...valid, reconcileTimeZone: "Mars/Olympus" }, /IANA time zone/],
    ["an hour out of range", { ...valid, reconcileHour: 24 }, /reconcileHour/],
    [
      "the OpenID written into the code property",
      { ...valid, hubspotOpenidProperty: "SCHOOL_WECHAT_CODE" },
      /must differ from the code property/,
    ],
    [
      "a property name HubSpot cannot have",
      { ...valid, openapplyCodeField: "wechat code" },
      /letters, digits/,
    ],
    ["a missing field", { ...valid, openapplyOpenidField: undefined }, /openapplyOpenidField/],
    ["an unknown field (a typo)", { ...valid, reconcileTimezone: "UTC" }, /reconcileTimezone/],
  ])("refuses %s with a 400 naming the problem, and changes nothing", async (_label, body, message) => {
    as("ADMIN");
    const res = await putSettings(request("PUT", "/api/console/identities/settings", body), ctx);
    expect(res.status).toBe(400);
    const payload = (await res.json()) as { error: { message: string; details?: unknown } };
    expect(`${payload.error.message} ${JSON.stringify(payload.error.details ?? {})}`).toMatch(message);
    expect(await stored()).toBeNull();
    expect(await db().auditLog.count()).toBe(0);
  });
});

describe("run a backstop now", () => {
  it("an OPERATOR starts the reconciliation at once (not waiting for the hour), audited", async () => {
    as("OPERATOR");
    const res = await runRoute(request("POST", "/api/console/identities/run", { job: "reconcile" }), ctx);
    expect(res.status).toBe(200);
    const { requested } = (await res.json()) as { requested: { job: string; eventId: string } };
    expect(requested.job).toBe("reconcile");
    const runs = await app.finishedRunsForEvent(requested.eventId);
    expect(runs.map((r) => r.status)).toEqual(["Completed"]);
    // Neither system is connected in this test: the run proceeds (it is not "not_the_hour") and finds nothing.
    expect(runs[0]!.output).toEqual({
      hubspot: { seen: 0, linked: 0, review: 0 },
      openapply: { seen: 0, linked: 0, review: 0 },
    });
    expect(await db().auditLog.findMany({ where: { action: "identity.job.request" } })).toEqual([
      expect.objectContaining({ actorId: users.OPERATOR, target: "reconcile" }),
    ]);
  });

  it("refuses a VIEWER (403) and an unknown job (400) without starting anything", async () => {
    const before = (await app.runs(IDENTITY_RECONCILE_ID)).length;
    as("VIEWER");
    const denied = await runRoute(request("POST", "/api/console/identities/run", { job: "reconcile" }), ctx);
    expect(denied.status).toBe(403);
    as("OPERATOR");
    const bad = await runRoute(request("POST", "/api/console/identities/run", { job: "rebuild" }), ctx);
    expect(bad.status).toBe(400);
    expect(await errorMessage(bad)).toBeTruthy();
    expect((await app.runs(IDENTITY_RECONCILE_ID)).length).toBe(before);
    expect(await db().auditLog.count()).toBe(0);
  });
});
