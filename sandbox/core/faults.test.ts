import { describe, expect, it } from "vitest";
import { ZFaultSettings, createFaultInjector, createSeededRandom } from "./faults";

describe("createFaultInjector", () => {
  it("injects nothing by default", () => {
    const f = createFaultInjector();
    for (let i = 0; i < 100; i++) expect(f.decide("/x")).toEqual({ kind: null, delayMs: 0 });
  });

  it("plays the script in order before random draws, then stops", () => {
    const f = createFaultInjector({ script: ["429", "timeout", "reset"] });
    expect(["/a", "/a", "/a", "/a"].map((p) => f.decide(p).kind)).toEqual(["429", "timeout", "reset", null]);
  });

  it("answers paused for every request during an outage, ahead of the script", () => {
    const f = createFaultInjector({ paused: true, script: ["500"] });
    expect(f.decide("/a").kind).toBe("paused");
    expect(f.current().script).toEqual(["500"]);
  });

  it("draws kinds at roughly the configured rates, reproducibly with a seed", () => {
    const settings = { rates: { "429": 0.2, "503": 0.1 }, seed: 7 };
    const draw = () => {
      const f = createFaultInjector(settings);
      return Array.from({ length: 10_000 }, () => f.decide("/a").kind);
    };
    const kinds = draw();
    const share = (k: string) => kinds.filter((x) => x === k).length / kinds.length;
    expect(share("429")).toBeGreaterThan(0.17);
    expect(share("429")).toBeLessThan(0.23);
    expect(share("503")).toBeGreaterThan(0.08);
    expect(share("503")).toBeLessThan(0.12);
    expect(share("500")).toBe(0);
    expect(draw()).toEqual(kinds);
  });

  it("only faults paths under the configured prefixes", () => {
    const f = createFaultInjector({ rates: { "500": 1 }, pathPrefixes: ["/crm/"] });
    expect(f.decide("/crm/v3/objects/contacts").kind).toBe("500");
    expect(f.decide("/events/v3/send").kind).toBeNull();
  });

  it("adds latency plus bounded jitter", () => {
    const f = createFaultInjector({ latencyMs: 100, latencyJitterMs: 10, seed: 1 });
    for (let i = 0; i < 50; i++) {
      const { delayMs } = f.decide("/a");
      expect(delayMs).toBeGreaterThanOrEqual(100);
      expect(delayMs).toBeLessThan(110);
    }
  });

  it("replaces all settings on configure and restores defaults on reset", () => {
    const f = createFaultInjector({ latencyMs: 50 });
    f.configure({ rates: { reset: 1 } });
    expect(f.current().latencyMs).toBe(0);
    expect(f.decide("/a").kind).toBe("reset");
    f.reset();
    expect(f.decide("/a").kind).toBeNull();
  });

  it("rejects rates that sum over 1, unknown kinds and unknown keys", () => {
    expect(ZFaultSettings.safeParse({ rates: { "429": 0.6, "500": 0.6 } }).success).toBe(false);
    expect(ZFaultSettings.safeParse({ rates: { "418": 0.1 } }).success).toBe(false);
    expect(ZFaultSettings.safeParse({ script: ["boom"] }).success).toBe(false);
    expect(ZFaultSettings.safeParse({ latency: 5 }).success).toBe(false);
  });
});

describe("createSeededRandom", () => {
  it("is deterministic and within [0, 1)", () => {
    const a = createSeededRandom(123);
    const b = createSeededRandom(123);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
