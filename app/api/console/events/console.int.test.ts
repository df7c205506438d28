/**
 * The Events console routes: mode (ADMIN), mapping (OPERATOR+), the masked event list. Lower roles
 * and bad input are refused with a message and change nothing; accepted changes are audited.
 */
import type * as NextAuth from "next-auth";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { GET as listRoute } from "@/app/api/console/events/route";
import { GET as getMapping, PUT as putMapping } from "@/app/api/console/events/mapping/route";
import { PUT as putMode } from "@/app/api/console/events/mode/route";
import { db } from "@/lib/db";
import { resetEnvCacheForTests } from "@/lib/env";
import { MAPPING_KEY, MODE_KEY, readEventsMode, resetEventsModeCacheForTests } from "@/lib/events/settings";
import { withFreshDatabase } from "@/test/db";
import { consoleRequest as request } from "@/test/console-request";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof NextAuth>()),
  getServerSession: () => Promise.resolve(session.userId ? { user: { id: session.userId } } : null),
}));

const database = withFreshDatabase();
const users: Record<"VIEWER" | "OPERATOR" | "ADMIN", string> = { VIEWER: "", OPERATOR: "", ADMIN: "" };
const as = (role: keyof typeof users | null) => {
  session.userId = role ? users[role] : null;
};
const ctx = { params: Promise.resolve({}) };

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { message: string; details?: Record<string, string> } }).error;
}

const setting = async (key: string) => (await db().appSetting.findUnique({ where: { key } }))?.value ?? null;

beforeAll(async () => {
  vi.stubEnv("DATABASE_URL", database.url());
  vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(32));
  resetEnvCacheForTests();
  for (const role of ["VIEWER", "OPERATOR", "ADMIN"] as const) {
    users[role] = (await db().user.create({ data: { email: `${role.toLowerCase()}@school.test`, role } })).id;
  }
}, 60_000);

afterAll(() => {
  vi.unstubAllEnvs();
  resetEnvCacheForTests();
});

beforeEach(async () => {
  await db().appSetting.deleteMany({ where: { key: { in: [MODE_KEY, MAPPING_KEY] } } });
  await db().auditLog.deleteMany();
  await db().outboxEvent.deleteMany();
  resetEventsModeCacheForTests();
  as(null);
});

describe("PUT /api/console/events/mode", () => {
  it("refuses OPERATOR (403) and an unknown mode (400 naming the field); nothing changes", async () => {
    as("OPERATOR");
    let res = await putMode(request("PUT", "/api/console/events/mode", { mode: "live" }), ctx);
    expect(res.status).toBe(403);
    as("ADMIN");
    res = await putMode(request("PUT", "/api/console/events/mode", { mode: "loud" }), ctx);
    expect(res.status).toBe(400);
    expect(Object.keys((await errorOf(res)).details ?? {})).toContain("mode");
    expect(await setting(MODE_KEY)).toBeNull();
    expect(await readEventsMode({ fresh: true })).toBe("dry_run");
    expect(await db().auditLog.count()).toBe(0);
  });

  it("an ADMIN switches to live; stored, applied at once and audited with from/to", async () => {
    as("ADMIN");
    const res = await putMode(request("PUT", "/api/console/events/mode", { mode: "live" }), ctx);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ mode: "live" });
    expect(await setting(MODE_KEY)).toBe("live");
    expect(await readEventsMode()).toBe("live");
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "events.mode.update" } });
    expect(audit).toMatchObject({ actorId: users.ADMIN, details: { from: "dry_run", to: "live" } });
  });
});

describe("/api/console/events/mapping", () => {
  const mapping = {
    types: {
      "trial.started": {
        properties: { revbridge_plan: { field: "properties.plan" } },
        timeline: "note",
      },
    },
  };

  it("reads the default until one is saved", async () => {
    as("VIEWER");
    const body = (await (await getMapping(request("GET", "/api/console/events/mapping"), ctx)).json()) as {
      isDefault: boolean;
    };
    expect(body.isDefault).toBe(true);
  });

  it("refuses VIEWER (403), and unknown fields/types with the exact path (400); nothing stored", async () => {
    as("VIEWER");
    let res = await putMapping(request("PUT", "/api/console/events/mapping", mapping), ctx);
    expect(res.status).toBe(403);
    as("OPERATOR");
    res = await putMapping(
      request("PUT", "/api/console/events/mapping", {
        types: {
          "trial.started": { properties: { revbridge_plan: { field: "properties.tier" } } },
          "user.exploded": {},
          "user.activated": { timeline: "event" },
        },
      }),
      ctx,
    );
    expect(res.status).toBe(400);
    const details = (await errorOf(res)).details ?? {};
    expect(details["types.trial.started.properties.revbridge_plan.field"]).toContain("no property tier");
    expect(details["types.user.exploded"]).toContain("not an event type");
    expect(details["types.user.activated.eventName"]).toContain("required when timeline is event");
    expect(await setting(MAPPING_KEY)).toBeNull();
    expect(await db().auditLog.count()).toBe(0);
  });

  it("an OPERATOR saves a valid mapping; stored, read back and audited", async () => {
    as("OPERATOR");
    const res = await putMapping(request("PUT", "/api/console/events/mapping", mapping), ctx);
    expect(res.status).toBe(200);
    expect(await setting(MAPPING_KEY)).toMatchObject(mapping);
    const read = (await (await getMapping(request("GET", "/api/console/events/mapping"), ctx)).json()) as {
      isDefault: boolean;
      mapping: unknown;
    };
    expect(read).toMatchObject({ isDefault: false, mapping });
    expect(
      await db().auditLog.count({ where: { action: "events.mapping.update", actorId: users.OPERATOR } }),
    ).toBe(1);
  });
});

describe("GET /api/console/events", () => {
  it("lists events with personal data masked and filters by status; bad filters are a 400", async () => {
    await db().outboxEvent.createMany({
      data: [
        {
          eventId: "c1",
          type: "user.signed_up",
          occurredAt: new Date(),
          email: "jane.doe@example.com",
          properties: { firstName: "Jane", plan: "pro" },
          mode: "dry_run",
          status: "DRY_RUN",
        },
        {
          eventId: "c2",
          type: "user.activated",
          occurredAt: new Date(),
          email: "sam@example.com",
          properties: {},
          mode: "dry_run",
        },
      ],
    });
    as(null);
    expect((await listRoute(request("GET", "/api/console/events"), ctx)).status).toBe(401);
    as("VIEWER");
    const res = await listRoute(request("GET", "/api/console/events?status=DRY_RUN"), ctx);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { mode: string; events: { eventId: string }[]; counts24h: unknown };
    expect(body.mode).toBe("dry_run");
    expect(body.events.map((e) => e.eventId)).toEqual(["c1"]);
    expect(body.counts24h).toEqual({ DRY_RUN: 1, PENDING: 1 });
    const text = JSON.stringify(body.events);
    expect(text).toContain("j***@e***.com");
    expect(text).not.toContain("jane.doe@example.com");
    expect(text).not.toContain('"Jane"');

    const bad = await listRoute(request("GET", "/api/console/events?status=LOST&limit=9999"), ctx);
    expect(bad.status).toBe(400);
    expect(Object.keys((await errorOf(bad)).details ?? {}).sort()).toEqual(["limit", "status"]);
  });
});
