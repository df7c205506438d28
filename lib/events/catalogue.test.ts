import { describe, expect, it } from "vitest";
import { CATALOGUE, EVENT_TYPES, parseEvent } from "./catalogue";
import { DEFAULT_EVENT_MAPPING, ZEventMapping } from "./mapping";
import { eventUuid, planSend } from "./plan";

const base = {
  id: "evt_1",
  type: "user.signed_up",
  occurredAt: "2026-03-01T10:00:00Z",
  email: "Jane@Example.com",
};

describe("event catalogue", () => {
  it("ships the common lifecycle events", () => {
    expect(EVENT_TYPES).toEqual(
      expect.arrayContaining([
        "user.signed_up",
        "user.activated",
        "trial.started",
        "subscription.started",
        "subscription.cancelled",
        "purchase.completed",
        "coupon.redeemed",
      ]),
    );
    for (const t of EVENT_TYPES) expect(CATALOGUE[t].description.length).toBeGreaterThan(10);
  });

  it("accepts a valid event, lower-cases the email and parses the date", () => {
    const r = parseEvent({ ...base, properties: { firstName: "Jane", plan: "pro" } });
    expect(r).toEqual({
      ok: true,
      event: {
        id: "evt_1",
        type: "user.signed_up",
        occurredAt: new Date("2026-03-01T10:00:00Z"),
        email: "jane@example.com",
        properties: { firstName: "Jane", plan: "pro" },
      },
    });
    expect(parseEvent({ ...base, occurredAt: 1_772_000_000_000 }).ok).toBe(true);
  });

  it("names the field for every kind of mistake", () => {
    const errors = (raw: unknown) => (parseEvent(raw) as { errors: Record<string, string> }).errors;
    expect(errors({ ...base, id: "" })).toHaveProperty("id");
    expect(errors({ ...base, email: undefined })).toEqual({
      email: "one of email or externalId is required to find the contact",
    });
    expect(errors({ ...base, email: "not-an-email" })).toHaveProperty("email");
    expect(errors({ ...base, occurredAt: "yesterday" })).toHaveProperty("occurredAt");
    expect(errors({ ...base, type: "user.exploded" }).type).toMatch(
      /^unknown event type; known types: user.signed_up/,
    );
    expect(
      errors({
        ...base,
        type: "purchase.completed",
        properties: { orderId: "o1", amount: -1, currency: "usd" },
      }),
    ).toEqual({
      "properties.amount": "must be 0 or more",
    });
    expect(errors({ ...base, properties: { favouriteColour: "red" } })).toHaveProperty("properties");
    expect(errors({ ...base, extra: 1 })).toHaveProperty("(event)");
    expect(parseEvent("nope")).toMatchObject({ ok: false });
  });

  it("keeps the id of an invalid event so the answer can point at it", () => {
    expect(parseEvent({ ...base, type: "nope" })).toMatchObject({ ok: false, id: "evt_1" });
  });

  it("normalises currency codes", () => {
    const r = parseEvent({
      ...base,
      type: "purchase.completed",
      properties: { orderId: "o1", amount: 10, currency: "usd" },
    });
    expect(r.ok && r.event.properties.currency).toBe("USD");
  });
});

describe("mapping and send plan", () => {
  it("the default mapping is valid and covers every catalogue type", () => {
    expect(ZEventMapping.parse(DEFAULT_EVENT_MAPPING)).toEqual(DEFAULT_EVENT_MAPPING);
    expect(Object.keys(DEFAULT_EVENT_MAPPING.types).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it("refuses a mapping that reads a property the event type does not have, naming the path", () => {
    const r = ZEventMapping.safeParse({
      types: { "trial.started": { properties: { revbridge_plan: { field: "properties.tier" } } } },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual([
      "types",
      "trial.started",
      "properties",
      "revbridge_plan",
      "field",
    ]);
    expect(ZEventMapping.safeParse({ types: { "x.y": {} } }).success).toBe(false);
    expect(ZEventMapping.safeParse({ types: { "user.activated": { timeline: "event" } } }).success).toBe(
      false,
    );
  });

  it("plans an upsert by email with mapped properties and a deduplicated behavioral event", () => {
    const plan = planSend(
      {
        eventId: "evt_1",
        type: "user.signed_up",
        occurredAt: new Date("2026-03-01T10:00:00Z"),
        email: "jane@example.com",
        externalId: "u_42",
        properties: { firstName: "Jane", plan: "pro" },
      },
      DEFAULT_EVENT_MAPPING,
    );
    expect(plan.contact).toEqual({
      idProperty: "email",
      id: "jane@example.com",
      properties: {
        firstname: "Jane",
        revbridge_plan: "pro",
        revbridge_signed_up_at: "2026-03-01T10:00:00.000Z",
        revbridge_external_id: "u_42",
      },
    });
    expect(plan.timeline).toMatchObject({
      kind: "event",
      eventName: "revbridge_user_signed_up",
      uuid: eventUuid("evt_1"),
    });
    expect(eventUuid("evt_1")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("upserts by the external-id property without an email, and writes a note when so mapped", () => {
    const plan = planSend(
      {
        eventId: "evt_2",
        type: "coupon.redeemed",
        occurredAt: new Date("2026-03-01T10:00:00Z"),
        email: null,
        externalId: "u_42",
        properties: { code: "<SPRING>" },
      },
      DEFAULT_EVENT_MAPPING,
    );
    expect(plan.contact).toEqual({
      idProperty: "revbridge_external_id",
      id: "u_42",
      properties: { revbridge_last_coupon: "<SPRING>" },
    });
    expect(plan.timeline).toMatchObject({ kind: "note", timestamp: "2026-03-01T10:00:00.000Z" });
    expect(plan.timeline.kind === "note" && plan.timeline.body).toContain("code: &#60;SPRING&#62;");
  });
});
