import { describe, expect, it } from "vitest";
import { jsonResponse, type TRoute } from "./http-types";
import { createRouter } from "./router";

const route = (method: string, path: string): TRoute => ({
  method,
  path,
  handler: () => jsonResponse(200, {}),
});

describe("createRouter", () => {
  it("extracts URI-decoded params", () => {
    const router = createRouter([route("GET", "/crm/v3/objects/:objectType/:objectId")]);
    const m = router.match("GET", "/crm/v3/objects/contacts/a%40b.com");
    expect(m && "params" in m ? m.params : null).toEqual({ objectType: "contacts", objectId: "a@b.com" });
  });

  it("prefers static segments over params regardless of registration order", () => {
    const router = createRouter([
      route("POST", "/crm/v3/objects/:objectType/:objectId"),
      route("POST", "/crm/v3/objects/:objectType/search"),
    ]);
    const m = router.match("POST", "/crm/v3/objects/contacts/search");
    expect(m && "id" in m ? m.id : null).toBe("POST /crm/v3/objects/:objectType/search");
    const other = router.match("POST", "/crm/v3/objects/contacts/123");
    expect(other && "id" in other ? other.id : null).toBe("POST /crm/v3/objects/:objectType/:objectId");
  });

  it("ranks a leftmost static segment above a later one", () => {
    const router = createRouter([route("GET", "/a/:x/c"), route("GET", "/a/b/:y")]);
    const m = router.match("GET", "/a/b/c");
    expect(m && "id" in m ? m.id : null).toBe("GET /a/b/:y");
  });

  it("requires the whole path to match and ignores empty segments", () => {
    const router = createRouter([route("GET", "/v1/things/:id")]);
    expect(router.match("GET", "/v1/things")).toBeNull();
    expect(router.match("GET", "/v1/things/1/extra")).toBeNull();
    expect(router.match("GET", "/v1/things/1/")).not.toBeNull();
  });

  it("matches methods case-insensitively and reports a path known for other methods", () => {
    const router = createRouter([route("get", "/v1/things/:id")]);
    expect(router.match("GET", "/v1/things/1")).toMatchObject({ params: { id: "1" } });
    expect(router.match("DELETE", "/v1/things/1")).toEqual({ methodNotAllowed: true });
  });

  it("captures the rest of the path with a trailing wildcard", () => {
    const router = createRouter([route("GET", "/files/*rest")]);
    expect(router.match("GET", "/files/a/b%20c/d")).toMatchObject({ params: { rest: "a/b c/d" } });
  });

  it("keeps a malformed escape as written instead of throwing", () => {
    const router = createRouter([route("GET", "/v1/things/:id")]);
    expect(router.match("GET", "/v1/things/%E0%A4%A")).toMatchObject({ params: { id: "%E0%A4%A" } });
  });
});
