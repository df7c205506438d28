import { describe, expect, it } from "vitest";
import { DEFAULT_MAPPING } from "@/lib/sync/mapping";
import {
  hubspotObservations,
  keysToWrite,
  newestToWrite,
  stripeEditAt,
  stripeObservations,
  type TClock,
} from "@/lib/sync/newest-observe";

const mapping = DEFAULT_MAPPING;
const own = (e: { sourceType: string; sourceId?: string }) =>
  e.sourceType === "INTEGRATION" && e.sourceId === "1";

describe("hubspotObservations", () => {
  it("takes the newest entry someone else made, not RevBridge's own copy", () => {
    const obs = hubspotObservations(
      { phone: "+14155550002" },
      {
        phone: [
          { value: "+14155550002", timestampMs: 3_000, sourceType: "INTEGRATION", sourceId: "1" },
          { value: "(415) 555-0001", timestampMs: 2_000, sourceType: "CRM_UI" },
        ],
      },
      mapping,
      own,
    );
    // Our own write on top starts a clock only where none exists (seed); the person's edit keeps its time.
    expect(obs).toEqual([
      { key: "phone", value: "+14155550002", at: 3_000, side: "STRIPE", seed: true },
      { key: "phone", value: "+14155550001", at: 2_000, side: "HUBSPOT" },
    ]);
  });

  it("has nothing to say of a field without history", () => {
    expect(hubspotObservations({ phone: null }, {}, mapping, own)).toEqual([]);
  });
});

describe("stripeObservations", () => {
  const customer = { phone: "+14155550003", email: "a@b.c" };
  it("counts only events not made by RevBridge that changed the field, the newest last", () => {
    const obs = stripeObservations(
      [
        { created: 20, type: "customer.updated", object: customer, previous: { name: "x" }, own: false },
        {
          created: 12,
          type: "customer.updated",
          object: { phone: "+14155550009" },
          previous: { phone: null },
          own: false,
        },
        {
          created: 15,
          type: "customer.updated",
          object: { phone: "+14155550008" },
          previous: { phone: "1" },
          own: true,
        },
      ],
      mapping,
    );
    expect(obs).toEqual([{ key: "phone", value: "+14155550009", at: stripeEditAt(12), side: "STRIPE" }]);
  });

  it("reads every field of a created customer as edited", () => {
    const obs = stripeObservations(
      [{ created: 5, type: "customer.created", object: customer, own: false }],
      mapping,
    );
    expect(obs.map((o) => o.value)).toEqual(["+14155550003"]);
  });
});

describe("newestToWrite", () => {
  const clock = (c: Partial<TClock>): Map<string, TClock> =>
    new Map([["phone", { value: "+1", at: 1, side: "HUBSPOT", writtenAt: null, ...c }]]);
  const values = { phone: "+2" };
  const plain = { force: false, creating: false };

  it("writes a field whose newest edit is on the source and still owed, at the clock's value", () => {
    expect(newestToWrite(mapping, clock({}), "HUBSPOT", values, plain)).toEqual({ phone: "+1" });
  });

  it("never writes a field whose newest edit was made on the target, or is written already", () => {
    expect(newestToWrite(mapping, clock({ side: "STRIPE" }), "HUBSPOT", values, plain)).toEqual({});
    expect(newestToWrite(mapping, clock({ writtenAt: 5 }), "HUBSPOT", values, plain)).toEqual({});
    expect(newestToWrite(mapping, undefined, "HUBSPOT", values, plain)).toEqual({});
  });

  it("a forced run writes the clock's value; a creation without a clock the source's", () => {
    const forced = { force: true, creating: false };
    expect(newestToWrite(mapping, clock({ side: "STRIPE" }), "HUBSPOT", values, forced)).toEqual({
      phone: "+1",
    });
    expect(newestToWrite(mapping, undefined, "HUBSPOT", values, { force: false, creating: true })).toEqual({
      phone: "+2",
    });
  });
});

describe("keysToWrite", () => {
  it("keeps the side's owned fields and only the `newest` fields decided", () => {
    expect(keysToWrite(mapping, "hubspot_to_stripe", false, {})).toEqual(["email", "name"]);
    expect(keysToWrite(mapping, "stripe_to_hubspot", false, { phone: "+1" })).toEqual([
      "address_line1",
      "city",
      "state",
      "postal_code",
      "country",
      "phone",
    ]);
  });
});
