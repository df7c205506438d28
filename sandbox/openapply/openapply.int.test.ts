import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startOpenApplySandbox, type TOpenApplySandbox } from "./index";
import type { TParent, TStudent } from "./store";

/** The answer shapes the tests read; `errors` comes with 422s. */
interface TAnswer {
  students: TStudent[];
  student: TStudent;
  linked: { parents: TParent[] };
  meta: { pages: number; per_page: number };
  errors: Record<string, string[]>;
}

let sandbox: TOpenApplySandbox;
let token: string;

beforeAll(async () => {
  sandbox = await startOpenApplySandbox({ perSecond: 1_000, log: () => {} });
});
afterAll(() => sandbox.close());

beforeEach(async () => {
  await fetch(`${sandbox.url}/__sandbox/reset`, { method: "POST" });
  token = await fetchToken();
});

async function fetchToken(): Promise<string> {
  const res = await fetch(`${sandbox.url}/oauth/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from("sandbox-openapply-client:sandbox-openapply-secret").toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
  expect(body.token_type).toBe("Bearer");
  expect(body.expires_in).toBeGreaterThan(0);
  return body.access_token;
}

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(sandbox.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as TAnswer };
}

async function apply(firstName: string, extra: Record<string, unknown> = {}) {
  const res = await fetch(`${sandbox.url}/__sandbox/openapply/applications`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      first_name: firstName,
      last_name: "Chen",
      parent: {
        first_name: "Hui",
        last_name: "Chen",
        email: `${firstName.toLowerCase()}.parent@example.com`,
      },
      ...extra,
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { student: { id: number } }).student;
}

describe("OpenApply stand-in over plain fetch", () => {
  it("lists applications with linked parents and page meta", async () => {
    for (const name of ["Amy", "Ben", "Cai"]) await apply(name);
    const page1 = await api("GET", "/api/v3/students?per_page=2&page=1");
    expect(page1.status).toBe(200);
    expect(page1.body.students.map((s) => s.first_name)).toEqual(["Amy", "Ben"]);
    expect(page1.body.students[0]).toMatchObject({ status: "applied", custom_fields: {} });
    expect(page1.body.students[0]!.applied_date).toBe(new Date().toISOString().slice(0, 10));
    expect(page1.body.linked.parents).toHaveLength(2);
    expect(page1.body.meta).toMatchObject({ pages: 2, per_page: 2 });
    const page2 = await api("GET", "/api/v3/students?per_page=2&page=2");
    expect(page2.body.students.map((s) => s.first_name)).toEqual(["Cai"]);
  });

  it("filters by since_date (updated_at), since_id and status", async () => {
    const amy = await apply("Amy");
    await apply("Ben");
    // updated_at has millisecond resolution: take a cutoff strictly after Ben's write, then write Amy.
    const cutoffMs = Date.now() + 1;
    const cutoff = new Date(cutoffMs).toISOString();
    await expect.poll(() => Date.now()).toBeGreaterThan(cutoffMs);
    await api("PUT", `/api/v3/students/${amy.id}/status`, { status: "admitted" });
    const changed = await api("GET", `/api/v3/students?since_date=${encodeURIComponent(cutoff)}`);
    expect(changed.body.students.map((s) => s.id)).toEqual([amy.id]);
    const afterAmy = await api("GET", `/api/v3/students?since_id=${amy.id}`);
    expect(afterAmy.body.students).toHaveLength(1);
    const admitted = await api("GET", "/api/v3/students?status=admitted");
    expect(admitted.body.students.map((s) => s.id)).toEqual([amy.id]);
    expect((await api("GET", "/api/v3/students?status=accepted")).status).toBe(400);
  });

  it("reads one student, writes custom fields and status with timestamps", async () => {
    const s = await apply("Dan");
    const put = await api("PUT", `/api/v3/students/${s.id}/custom_fields`, {
      custom_fields: { wechat_openid: "o6_bmjrPTlm6" },
    });
    expect(put.status).toBe(200);
    expect(put.body.student.custom_fields).toEqual({ wechat_openid: "o6_bmjrPTlm6" });

    await fetch(`${sandbox.url}/__sandbox/openapply/students/${s.id}/status`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ status: "enrolled", at: "2026-08-20T09:00:00.000Z" }),
    });
    const read = await api("GET", `/api/v3/students/${s.id}`);
    expect(read.body.student).toMatchObject({
      status: "enrolled",
      enrolled_at: "2026-08-20T09:00:00.000Z",
      enrolled_date: "2026-08-20",
      custom_fields: { wechat_openid: "o6_bmjrPTlm6" },
    });
    expect(read.body.linked.parents[0]).toMatchObject({ email: "dan.parent@example.com", child_ids: [s.id] });

    const patched = await api("PATCH", `/api/v3/students/${s.id}`, {
      status: "withdrawn",
      preferred_name: "Danny",
    });
    expect(patched.body.student).toMatchObject({ status: "withdrawn", preferred_name: "Danny" });
    expect(patched.body.student.withdrawn_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const state = (await (await fetch(`${sandbox.url}/__sandbox/state`)).json()) as {
      students: { statusHistory: { status: string }[] }[];
    };
    expect(state.students[0]!.statusHistory.map((h) => h.status)).toEqual([
      "applied",
      "enrolled",
      "withdrawn",
    ]);
  });

  it("answers 404, 422 and 401 like a Rails/Doorkeeper API", async () => {
    expect((await api("GET", "/api/v3/students/999")).status).toBe(404);
    const bad = await api("PUT", "/api/v3/students/999/status", { status: "enrolled" });
    expect(bad.status).toBe(404);
    const s = await apply("Eve");
    const invalid = await api("PUT", `/api/v3/students/${s.id}/status`, { status: "teleported" });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.status).toBeDefined();
    const noAuth = await fetch(`${sandbox.url}/api/v3/students`);
    expect(noAuth.status).toBe(401);
    expect(noAuth.headers.get("www-authenticate")).toContain("invalid_token");
    const badClient = await fetch(`${sandbox.url}/oauth/token`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("x:y").toString("base64")}` },
      body: "grant_type=client_credentials",
    });
    expect(badClient.status).toBe(401);
  });

  it("enforces the documented one-request-per-second limit by default", async () => {
    const strict = await startOpenApplySandbox({ log: () => {} });
    try {
      const headers = { authorization: "Bearer any-token" };
      const first = await fetch(`${strict.url}/api/v3/students`, { headers });
      const second = await fetch(`${strict.url}/api/v3/students`, { headers });
      expect(first.status).toBe(200);
      expect(second.status).toBe(429);
      expect(second.headers.get("retry-after")).toBe("1");
    } finally {
      await strict.close();
    }
  });
});
