import { describe, expect, it } from "vitest";
import { compileExpression, evaluateKey, ExpressionError } from "./expressions";

const event = {
  name: "app/order.created",
  data: { plan: "pro", seats: 10, user: { id: "u1" }, tags: ["a"], flag: true, none: null },
};

describe("CEL subset", () => {
  it.each([
    ["event.data.plan == 'pro'", true],
    ['event.data.plan == "free"', false],
    ["event.data.plan != 'free'", true],
    ["event.data.seats > 5 && event.data.seats <= 10", true],
    ["event.data.seats >= 11 || event.data.flag", true],
    ["!event.data.flag", false],
    ["event.name == 'app/order.created'", true],
    ["event.data['user'].id == 'u1'", true],
    ["event.data.tags[0] == 'a'", true],
    ["event.data.none == null", true],
    ["(event.data.seats + 1) == 11", true],
    ["event.data.seats == 10.0", true],
  ])("%s → %s", (src, expected) => {
    expect(compileExpression(src, ["event"]).matches({ event })).toBe(expected);
  });

  it("treats missing keys and type mismatches as errors that do not match, like CEL", () => {
    expect(compileExpression("event.data.missing == 'x'", ["event"]).matches({ event })).toBe(false);
    expect(compileExpression("event.data.missing != 'x'", ["event"]).matches({ event })).toBe(false);
    expect(compileExpression("event.data.seats == '10'", ["event"]).matches({ event })).toBe(false);
    // CEL's commutative short-circuit: false && error is false, true || error is true.
    expect(
      compileExpression("event.data.missing == 1 || event.data.flag", ["event"]).matches({ event }),
    ).toBe(true);
    expect(compileExpression("!(event.data.missing == 1 && false)", ["event"]).matches({ event })).toBe(true);
  });

  it("compares the waiting run's event with the candidate (`async`)", () => {
    const expr = compileExpression("event.data.user.id == async.data.user.id", ["event", "async"]);
    expect(expr.matches({ event, async: { data: { user: { id: "u1" } } } })).toBe(true);
    expect(expr.matches({ event, async: { data: { user: { id: "u2" } } } })).toBe(false);
  });

  it("evaluates keys to strings", () => {
    expect(
      evaluateKey(compileExpression("event.data.user.id + '-' + event.data.plan", ["event"]), { event }),
    ).toBe("u1-pro");
    expect(evaluateKey(compileExpression("event.data.seats", ["event"]), { event })).toBe("10");
    expect(evaluateKey(compileExpression("event.data.nope", ["event"]), { event })).toBe("");
  });

  it.each([
    ["size(event.data.tags) > 0", /function calls/],
    ["event.data.tags.exists(t, t == 'a')", /function calls/],
    ["'a' in event.data.tags", /unexpected|"in"/],
    ["event.data.seats * 2 > 3", /unsupported character "\*"/],
    ["event.data.x ? 1 : 2", /unsupported character "\?"/],
    ["user.id == 'x'", /unknown variable "user"/],
    ["event.data.plan == 'pro", /unterminated string/],
    ["event.data.plan ==", /unexpected end/],
  ])("rejects %s", (src, message) => {
    expect(() => compileExpression(src, ["event"])).toThrow(ExpressionError);
    expect(() => compileExpression(src, ["event"])).toThrow(message);
  });
});
