import { describe, expect, it } from "vitest";
import { StripeApiError } from "./errors";
import { IDEMPOTENCY_TTL_MS, createIdempotencyStore } from "./idempotency";

describe("idempotency store", () => {
  it("replays a saved result for the same key and parameters", () => {
    const store = createIdempotencyStore(() => 0);
    const first = store.begin("k1", "POST /v1/customers email=a");
    expect(first.kind).toBe("execute");
    if (first.kind === "execute") first.complete({ status: 200, body: { id: "cus_1" }, headers: {} }, true);
    const second = store.begin("k1", "POST /v1/customers email=a");
    expect(second).toEqual({ kind: "replay", result: { status: 200, body: { id: "cus_1" }, headers: {} } });
  });

  it("refuses the same key with other parameters", () => {
    const store = createIdempotencyStore(() => 0);
    const first = store.begin("k1", "A");
    if (first.kind === "execute") first.complete({ status: 200, body: {}, headers: {} }, true);
    try {
      store.begin("k1", "B");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(StripeApiError);
      expect((e as StripeApiError).status).toBe(400);
      expect((e as StripeApiError).body.type).toBe("idempotency_error");
    }
  });

  it("answers 409 while the first request is still executing", () => {
    const store = createIdempotencyStore(() => 0);
    store.begin("k1", "A");
    expect(() => store.begin("k1", "A")).toThrow(/in-progress/);
  });

  it("forgets unsaved results (validation failures) and expired keys", () => {
    let now = 0;
    const store = createIdempotencyStore(() => now);
    const first = store.begin("k1", "A");
    if (first.kind === "execute") first.complete({ status: 400, body: {}, headers: {} }, false);
    expect(store.begin("k1", "B").kind).toBe("execute");
    const again = store.begin("k2", "A");
    if (again.kind === "execute") again.complete({ status: 200, body: {}, headers: {} }, true);
    now = IDEMPOTENCY_TTL_MS + 1;
    expect(store.begin("k2", "other").kind).toBe("execute");
  });

  it("expires keys in the order they were saved, each after its own 24 hours", () => {
    let now = 0;
    const store = createIdempotencyStore(() => now);
    const save = (key: string) => {
      const d = store.begin(key, "A");
      if (d.kind === "execute") d.complete({ status: 200, body: { key }, headers: {} }, true);
    };
    save("old");
    now = 1_000;
    save("young");
    now = IDEMPOTENCY_TTL_MS + 500;
    save("new");
    expect(store.size()).toBe(2);
    expect(store.begin("young", "A").kind).toBe("replay");
    expect(store.begin("old", "B").kind).toBe("execute");
  });
});
