import { describe, expect, it } from "vitest";
import { diffPrevious, paginate } from "./list";

const items = ["e", "d", "c", "b", "a"].map((id) => ({ id })); // newest first

describe("cursor pagination", () => {
  it("pages forward with starting_after", () => {
    const p1 = paginate(items, { limit: 2 }, "/v1/x", "x");
    expect(p1.data.map((i) => i.id)).toEqual(["e", "d"]);
    expect(p1.has_more).toBe(true);
    const p3 = paginate(items, { limit: 2, startingAfter: "c" }, "/v1/x", "x");
    expect(p3.data.map((i) => i.id)).toEqual(["b", "a"]);
    expect(p3.has_more).toBe(false);
  });

  it("pages backward with ending_before, keeping newest-first order", () => {
    const p = paginate(items, { limit: 2, endingBefore: "b" }, "/v1/x", "x");
    expect(p.data.map((i) => i.id)).toEqual(["d", "c"]);
    expect(p.has_more).toBe(true);
  });

  it("answers 404 resource_missing for an unknown cursor", () => {
    expect(() => paginate(items, { limit: 2, startingAfter: "zz" }, "/v1/x", "customer")).toThrow(
      "No such customer: 'zz'",
    );
  });
});

describe("previous_attributes", () => {
  it("lists old values of changed fields and per-key metadata changes", () => {
    const before = { email: "a@x.co", name: "A", metadata: { k: "1", gone: "x" } };
    const after = { email: "b@x.co", name: "A", metadata: { k: "2", added: "y" } };
    expect(diffPrevious(before, after)).toEqual({
      email: "a@x.co",
      metadata: { k: "1", gone: "x", added: null },
    });
    expect(diffPrevious(before, before)).toBeUndefined();
  });
});
