/**
 * Lifecycle events end to end: the real route handler (API key, body, outbox), the real
 * `outbox-deliver` function driven by the local Inngest runner, the HubSpot sandbox on a free port.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { POST } from "@/app/api/v1/events/route";
import { outboxDeliverFunction } from "@/inngest/functions/outbox-deliver";
import { outboxFanOutFunction } from "@/inngest/functions/outbox-fan-out";
import { createApiKey } from "@/lib/api-keys/keys";
import { db } from "@/lib/db";
import { resetEnvCacheForTests } from "@/lib/env";
import { drainOutbox } from "@/lib/events/drain";
import { REVBRIDGE_CONTACT_PROPERTIES } from "@/lib/events/mapping";
import { forgetContactPropertyDefinitions } from "@/lib/events/portal-properties";
import { resetEventsModeCacheForTests, type TEventsMode } from "@/lib/events/settings";
import type { TInngestEvent } from "@/lib/inbox/hand-off";
import { writeSetting } from "@/lib/settings/app-settings";
import { startHubspotSandbox, type THubspotSandbox } from "@/sandbox/hubspot";
import { withFreshDatabase } from "@/test/db";
import { startAppInngest, waitFor, type TAppInngest } from "@/test/app-inngest";

const database = withFreshDatabase();
let hubspot: THubspotSandbox;
let app: TAppInngest;
let key: string;

async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(hubspot.url + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as T;
}

beforeAll(async () => {
  hubspot = await startHubspotSandbox({ log: () => {} });
  vi.stubEnv("DATABASE_URL", database.url());
  vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(32));
  vi.stubEnv("HUBSPOT_ACCESS_TOKEN", "pat-na1-11111111-2222-3333-4444-555555555555");
  vi.stubEnv("HUBSPOT_API_BASE", hubspot.url);
  resetEnvCacheForTests();
  app = await startAppInngest({
    functions: [outboxDeliverFunction, outboxFanOutFunction],
    runner: { timeCompression: 2000 },
  });
  key = (await createApiKey({ name: "product app", scopes: ["events:write"], createdById: null })).key;
}, 60_000);

afterAll(async () => {
  await app?.close();
  await hubspot?.close();
  vi.unstubAllEnvs();
  resetEnvCacheForTests();
});

async function setMode(mode: TEventsMode) {
  await writeSetting("events.mode", mode, null);
  resetEventsModeCacheForTests();
}

beforeEach(async () => {
  await db().outboxEvent.deleteMany();
  await db().deadLetter.deleteMany();
  await control("POST", "/__sandbox/reset");
  forgetContactPropertyDefinitions();
  await setMode("dry_run");
});

function post(body: unknown, opts: { key?: string | null; raw?: string } = {}): Promise<Response> {
  const auth = opts.key === null ? undefined : `Bearer ${opts.key ?? key}`;
  return POST(
    new Request("http://localhost/api/v1/events", {
      method: "POST",
      headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) },
      body: opts.raw ?? JSON.stringify(body),
    }),
  );
}

const event = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: "user.signed_up",
  occurredAt: "2026-03-01T10:00:00Z",
  email: `${id}@example.com`,
  properties: { firstName: "Jane", plan: "pro" },
  ...extra,
});

async function createRevbridgeProperties() {
  for (const p of REVBRIDGE_CONTACT_PROPERTIES) {
    await fetch(`${hubspot.url}/crm/v3/properties/contacts`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer pat-na1-x" },
      body: JSON.stringify({ ...p, groupName: "contactinformation" }),
    });
  }
  forgetContactPropertyDefinitions();
}

async function settledRow(eventId: string, statuses = ["SENT", "DRY_RUN", "DEAD"]) {
  return waitFor(
    async () => {
      const row = await db().outboxEvent.findUnique({ where: { eventId } });
      return row && statuses.includes(row.status) ? row : undefined;
    },
    `outbox row ${eventId} in ${statuses.join("/")}`,
    30_000,
  );
}

describe("POST /api/v1/events — keys and request shape", () => {
  it("answers 401 without a key or with a revoked one, 403 without the scope", async () => {
    expect((await post(event("a1"), { key: null })).status).toBe(401);
    expect((await post(event("a1"), { key: "rbk_not-a-real-key" })).status).toBe(401);
    const revoked = await createApiKey({ name: "old", scopes: ["events:write"], createdById: null });
    await db().apiKey.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    expect((await post(event("a1"), { key: revoked.key })).status).toBe(401);
    const other = await createApiKey({ name: "wechat", scopes: ["wechat:code"], createdById: null });
    const res = await post(event("a1"), { key: other.key });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("events:write");
    expect(await db().outboxEvent.count()).toBe(0);
  });

  it("stores only the key's sha256 and its prefix", async () => {
    const created = await createApiKey({ name: "x", scopes: ["events:write"], createdById: null });
    const row = await db().apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.hash).not.toContain(created.key);
    expect(created.key.startsWith(row.prefix)).toBe(true);
    expect(row.prefix.length).toBeLessThan(16);
  });

  it("refuses bodies that are not JSON, not events, empty, too many or too large, naming the problem", async () => {
    const message = async (res: Response) =>
      ((await res.json()) as { error: { message: string } }).error.message;
    let res = await post(null, { raw: "{nope" });
    expect(res.status).toBe(400);
    expect(await message(res)).toContain("not valid JSON");
    res = await post({ hello: "world" });
    expect(res.status).toBe(400);
    expect(await message(res)).toContain("not an event or a batch");
    res = await post([]);
    expect(res.status).toBe(400);
    res = await post(Array.from({ length: 101 }, (_, i) => event(`big${i}`)));
    expect(res.status).toBe(400);
    expect(await message(res)).toContain("the limit is 100");
    res = await post(null, {
      raw: JSON.stringify([event("huge", { properties: { firstName: "x".repeat(1_100_000) } })]),
    });
    expect(res.status).toBe(413);
    expect(await message(res)).toContain("1048576-byte limit");
    expect(await db().outboxEvent.count()).toBe(0);
  });

  it("answers a single invalid event with 400 and field errors", async () => {
    const res = await post(event("bad1", { email: undefined, occurredAt: "soon" }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details: Record<string, string> } };
    expect(Object.keys(body.error.details).sort()).toEqual(["email", "occurredAt"]);
  });

  it("answers a batch with 202 and a result per event: accepted, duplicate, invalid naming the field", async () => {
    const res = await post({
      events: [
        event("b1"),
        event("b2", {
          type: "purchase.completed",
          properties: { orderId: "o1", amount: -5, currency: "USD" },
        }),
        event("b1"),
        event("b3", { type: "trial.started", properties: { plan: "team" } }),
      ],
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as {
      accepted: number;
      duplicates: number;
      invalid: number;
      mode: string;
      results: unknown[];
    };
    expect(body).toMatchObject({ mode: "dry_run", accepted: 2, duplicates: 1, invalid: 1 });
    expect(body.results).toEqual([
      { id: "b1", status: "accepted" },
      { id: "b2", index: 1, status: "invalid", errors: { "properties.amount": "must be 0 or more" } },
      { id: "b1", status: "duplicate" },
      { id: "b3", status: "accepted" },
    ]);
    expect((await db().outboxEvent.findMany({ orderBy: { eventId: "asc" } })).map((r) => r.eventId)).toEqual([
      "b1",
      "b3",
    ]);
  });

  it("is idempotent on id, also for concurrent requests", async () => {
    const first = (await (await post([event("i1"), event("i2")])).json()) as { accepted: number };
    const again = (await (await post([event("i1"), event("i2")])).json()) as {
      accepted: number;
      duplicates: number;
    };
    expect(first.accepted).toBe(2);
    // Stored exactly as sent, timestamps in UTC (the insert is raw SQL, not Prisma's DateTime mapping).
    const stored = await db().outboxEvent.findUniqueOrThrow({ where: { eventId: "i1" } });
    expect(stored).toMatchObject({
      type: "user.signed_up",
      email: "i1@example.com",
      externalId: null,
      properties: { firstName: "Jane", plan: "pro" },
      status: "PENDING",
      mode: "dry_run",
    });
    expect(stored.occurredAt.toISOString()).toBe("2026-03-01T10:00:00.000Z");
    expect(Math.abs(stored.receivedAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(again).toMatchObject({ accepted: 0, duplicates: 2 });
    const racing = await Promise.all(Array.from({ length: 8 }, () => post(event("race"))));
    const bodies = (await Promise.all(racing.map((r) => r.json()))) as { accepted: number }[];
    expect(bodies.reduce((n, b) => n + b.accepted, 0)).toBe(1);
    expect(await db().outboxEvent.count({ where: { eventId: "race" } })).toBe(1);
  });

  it("answers 503 and stores nothing when events are disabled", async () => {
    await setMode("disabled");
    const res = await post(event("off1"));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("disabled");
    expect(await db().outboxEvent.count()).toBe(0);
  });
});

describe("outbox delivery", () => {
  it("dry run records exactly what would be sent, names missing properties, and sends nothing", async () => {
    await post(event("d1", { externalId: "u_1" }));
    const row = await settledRow("d1");
    expect(row.status).toBe("DRY_RUN");
    expect(row.sentPayload).toMatchObject({
      contact: {
        idProperty: "email",
        id: "d1@example.com",
        properties: { firstname: "Jane", revbridge_plan: "pro" },
      },
      timeline: { kind: "event", eventName: "revbridge_user_signed_up" },
      portalCheck: {
        problems: expect.arrayContaining(["property revbridge_plan does not exist on contacts"]) as unknown,
      },
    });
    expect(row.lastError).toContain("would fail");
    const counters = await control<{ writes: number }>("GET", "/__sandbox/counters");
    expect(counters.writes).toBe(0);
    expect((await control<{ results: unknown[] }>("GET", "/__sandbox/hubspot/events")).results).toEqual([]);
    expect(hubspot.portal.store.page("contacts", undefined, 10).results).toHaveLength(0);
  });

  it("dry run passes the portal check once the properties exist", async () => {
    await createRevbridgeProperties();
    await post(event("d2"));
    const row = await settledRow("d2");
    expect(row.sentPayload).toMatchObject({ portalCheck: { problems: [] } });
    expect(row.lastError).toBeNull();
  });

  it("live upserts the contact, sets mapped properties and sends the custom event exactly once", async () => {
    await createRevbridgeProperties();
    await setMode("live");
    await post([event("l1", { externalId: "u_9" })]);
    const row = await settledRow("l1");
    expect(row.status).toBe("SENT");
    expect(row.attemptCount).toBe(1);
    const contact = await control<{ properties: Record<string, string> }>(
      "GET",
      `/__sandbox/hubspot/objects/contacts/${row.hubspotContactId}`,
    );
    expect(contact.properties).toMatchObject({
      email: "l1@example.com",
      firstname: "Jane",
      revbridge_plan: "pro",
      revbridge_external_id: "u_9",
      revbridge_signed_up_at: "2026-03-01T10:00:00.000Z",
    });
    // The same event again (an app retry) is a duplicate and sends nothing more.
    const again = (await (await post([event("l1", { externalId: "u_9" })])).json()) as { duplicates: number };
    expect(again.duplicates).toBe(1);
    await drainOutbox(undefined, new Date(Date.now() + 120_000));
    const events = await control<{ results: { eventName: string }[] }>("GET", "/__sandbox/hubspot/events");
    expect(events.results.map((e) => e.eventName)).toEqual(["revbridge_user_signed_up"]);
  });

  it("live upserts by the external-id property when there is no email, and notes when the portal forbids events", async () => {
    await createRevbridgeProperties();
    await setMode("live");
    await control("POST", "/__sandbox/hubspot/settings", { behavioralEvents: "forbidden" });
    await post(event("l2", { email: undefined, externalId: "u_77" }));
    const row = await settledRow("l2");
    expect(row.status).toBe("SENT");
    expect(row.sentPayload).toMatchObject({
      contact: { idProperty: "revbridge_external_id", id: "u_77" },
      outcome: { timeline: { kind: "note", fallbackReason: expect.stringContaining("403") as unknown } },
    });
    const note = await control<{ properties: Record<string, string> }>(
      "GET",
      `/__sandbox/hubspot/objects/notes/${(row.sentPayload as { outcome: { timeline: { noteId: string } } }).outcome.timeline.noteId}`,
    );
    expect(note.properties.hs_note_body).toContain("user.signed_up");
  });

  it("a HubSpot outage leads to retries, then DEAD and a dead letter; nothing is lost", async () => {
    await createRevbridgeProperties();
    await setMode("live");
    await control("POST", "/__sandbox/faults", { paused: true });
    await post(event("o1"));
    const row = await settledRow("o1", ["DEAD"]);
    expect(row.attemptCount).toBe(5);
    expect(row.lastError).toMatch(/retries exhausted: .*503/);
    const dead = await waitFor(
      async () => (await db().deadLetter.findFirst({ where: { subject: `OUTBOX:${row.id}` } })) ?? undefined,
      "dead letter",
      10_000,
    );
    expect(dead).toMatchObject({
      functionId: "outbox-deliver",
      eventName: "revbridge/outbox.event.accepted",
      attempts: 5,
    });
    expect(await db().outboxEvent.count({ where: { eventId: "o1" } })).toBe(1);
    // After the outage, replaying the dead letter's event delivers it.
    await control("POST", "/__sandbox/faults", {});
    await app.send(dead.eventName, dead.payload as Record<string, unknown>, { id: "replay-o1" });
    expect((await settledRow("o1", ["SENT"])).status).toBe("SENT");
  }, 60_000);

  it("a batch of 100 is fanned out and every event is processed once (none lost)", async () => {
    const res = await post(Array.from({ length: 100 }, (_, i) => event(`f${i}`)));
    expect(((await res.json()) as { accepted: number }).accepted).toBe(100);
    await waitFor(
      async () =>
        (await db().outboxEvent.count({ where: { status: "DRY_RUN" } })) === 100 ? true : undefined,
      "100 dry-run rows",
      60_000,
    );
    const rows = await db().outboxEvent.findMany({ select: { attemptCount: true } });
    expect(rows.every((r) => r.attemptCount === 1)).toBe(true);
  }, 90_000);

  it("a failed hand-off leaves the row PENDING for the drain, which delivers it", async () => {
    const failing = vi.fn(() => Promise.reject(new Error("connection refused")));
    const { ingestEvents } = await import("@/lib/events/ingest");
    const request = new Request("http://localhost/api/v1/events", {
      method: "POST",
      body: JSON.stringify(event("h1")),
    });
    const answer = await ingestEvents(request, null, { send: failing });
    expect(answer.body.accepted).toBe(1);
    expect((await db().outboxEvent.findUniqueOrThrow({ where: { eventId: "h1" } })).status).toBe("PENDING");
    const sent: TInngestEvent[] = [];
    expect(await drainOutbox((e) => Promise.resolve(void sent.push(...e)), new Date())).toEqual({
      found: 0,
      sent: 0,
    });
    await drainOutbox(undefined, new Date(Date.now() + 120_000));
    expect((await settledRow("h1")).status).toBe("DRY_RUN");
  });
});
