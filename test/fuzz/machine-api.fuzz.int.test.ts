/**
 * Fuzzing the API-key endpoints through their route handlers: `POST /api/v1/events`,
 * `POST /api/v1/business/{users,teams,memberships}` and `POST /api/wechat/code`. Keys are missing, junk,
 * unknown, revoked, of the wrong scope or valid; bodies and content types are junk. Without a usable key
 * the answer is 401/403; with one, junk is a 4xx — or, for the two batch endpoints, a 2xx that accepted
 * nothing (their documented per-item answers) — never a 5xx, and nothing is written.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as businessPost } from "@/app/api/v1/business/[kind]/route";
import { POST as eventsPost } from "@/app/api/v1/events/route";
import { POST as codePost } from "@/app/api/wechat/code/route";
import { createApiKey } from "@/lib/api-keys/keys";
import { db } from "@/lib/db";
import { BUSINESS_KINDS, validateRows, type TBusinessKind } from "@/lib/warehouse/business-rows";
import { ZOpenid } from "@/lib/wechat/code-service";
import { withFreshDatabase } from "@/test/db";
import { stubAppEnv } from "@/test/env";
import {
  contentType,
  headerText,
  junkBody,
  junkSegment,
  junkText,
  objectWithKeys,
} from "./support/arbitraries";
import { fuzzRequest, readAnswer, type TBody } from "./support/http";
import { fuzzNoChange, quietRefusalLogs } from "./support/property";
import { fuzzTimeout } from "./support/runs";

const database = withFreshDatabase();
const keys = { all: "", revoked: "", codeOnly: "" };

beforeAll(async () => {
  quietRefusalLogs();
  stubAppEnv(database.url());
  const scopes = ["events:write", "business:write", "wechat:code"] as const;
  keys.all = (await createApiKey({ name: "fuzz all", scopes: [...scopes], createdById: null })).key;
  keys.codeOnly = (await createApiKey({ name: "fuzz code", scopes: ["wechat:code"], createdById: null })).key;
  const revoked = await createApiKey({ name: "fuzz revoked", scopes: [...scopes], createdById: null });
  await db().apiKey.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
  keys.revoked = revoked.key;
  await db().team.create({ data: { teamId: "t_seed", name: "Seed team" } });
});

type TKey = "none" | "junk" | "unknown" | "revoked" | "wrong-scope" | "valid";
const keyKind = fc.constantFrom<TKey>("none", "junk", "unknown", "revoked", "wrong-scope", "valid");

function authorization(kind: TKey, junk: string): string | undefined {
  switch (kind) {
    case "none":
      return undefined;
    case "junk":
      return junk;
    case "unknown":
      return `Bearer rbk_${junk.replace(/[^A-Za-z0-9]/g, "")}x`;
    case "revoked":
      return `Bearer ${keys.revoked}`;
    case "wrong-scope":
      return `Bearer ${keys.codeOnly}`;
    case "valid":
      return `Bearer ${keys.all}`;
  }
}

const request = (
  path: string,
  input: { key: TKey; junkKey: string; type?: string; body: TBody },
  scopeOk = false,
) =>
  fuzzRequest(`https://revbridge.example${path}`, {
    body: input.body,
    headers: {
      "content-type": input.type,
      authorization: authorization(
        scopeOk && input.key === "wrong-scope" ? "revoked" : input.key,
        input.junkKey,
      ),
    },
  });

function parseOrNull(body: TBody): unknown {
  try {
    return JSON.parse(typeof body === "string" ? body : new TextDecoder().decode(body ?? new Uint8Array()));
  } catch {
    return null;
  }
}

const input = (body: fc.Arbitrary<TBody>) =>
  fc.record({ key: keyKind, junkKey: headerText, type: contentType, body });

describe("POST /api/v1/events under fuzz", () => {
  const eventKeys = ["type", "id", "email", "externalId", "occurredAt", "properties", "events"];
  const nearEvents = fc
    .array(objectWithKeys(eventKeys), { maxLength: 120 })
    .chain((events) => fc.constantFrom(events, { events }, events[0] ?? {}))
    .map((v) => JSON.stringify(v));

  it(
    "refuses junk with a 4xx (or a 202 that accepted nothing) and writes nothing",
    () =>
      fuzzNoChange(input(fc.oneof(junkBody(eventKeys), nearEvents)), async (i) => {
        const answer = await readAnswer(await eventsPost(request("/api/v1/events", i)));
        if (i.key !== "valid") expect(answer.status).toBeOneOf([401, 403]);
        else if (answer.status < 400) {
          expect(answer.status).toBe(202);
          expect(JSON.parse(answer.message)).toMatchObject({ accepted: 0, duplicates: 0 });
        }
      }),
    fuzzTimeout(),
  );
});

describe("POST /api/v1/business/{kind} under fuzz", () => {
  const rowKeys = ["user_id", "team_id", "name", "email", "lifetime_spend", "currency", "rows"];
  const kind = fc.oneof(fc.constantFrom<string>(...BUSINESS_KINDS), junkSegment);
  /** A body none of whose rows is valid for its kind (a valid row would rightly be written). */
  const noValidRow = (k: string, body: TBody) => {
    if (!(BUSINESS_KINDS as readonly string[]).includes(k)) return true;
    const raw = parseOrNull(body);
    const rows = Array.isArray(raw) ? raw : (raw as { rows?: unknown } | null)?.rows;
    if (!Array.isArray(rows)) return true;
    const objects = rows.filter(
      (r): r is Record<string, unknown> => !!r && typeof r === "object" && !Array.isArray(r),
    );
    return validateRows(k as TBusinessKind, objects).good.length === 0;
  };
  const nearRows = fc
    .array(objectWithKeys(rowKeys), { maxLength: 50 })
    .chain((rows) => fc.constantFrom(rows, { rows }))
    .map((v) => JSON.stringify(v));

  it(
    "refuses junk rows with a 4xx (or a 200 that imported nothing) and writes nothing",
    () =>
      fuzzNoChange(
        fc
          .tuple(kind, input(fc.oneof(junkBody(rowKeys), nearRows)))
          .filter(([k, i]) => noValidRow(k, i.body)),
        async ([k, i]) => {
          const res = await businessPost(request("/api/v1/business/kind", i), {
            params: Promise.resolve({ kind: k }),
          });
          const answer = await readAnswer(res);
          if (i.key !== "valid") expect(answer.status).toBeOneOf([401, 403]);
          else if (answer.status < 400) expect(JSON.parse(answer.message)).toMatchObject({ imported: 0 });
        },
      ),
    fuzzTimeout(),
  );
});

describe("POST /api/wechat/code under fuzz", () => {
  const notAnOpenid = (body: TBody) => {
    const raw = parseOrNull(body) as { openid?: unknown } | null;
    return !ZOpenid.safeParse(raw?.openid).success;
  };
  const nearBody = fc
    .oneof(junkText, fc.string({ maxLength: 70 }), fc.integer())
    .map((openid) => JSON.stringify({ openid }));

  it(
    "refuses missing or bad keys and junk OpenIDs with a 4xx, issuing nothing",
    () =>
      fuzzNoChange(
        input(fc.oneof(junkBody(["openid"]), nearBody)).filter((i) => notAnOpenid(i.body)),
        async (i) => {
          const res = await codePost(request("/api/wechat/code", i, true), { params: Promise.resolve({}) });
          const answer = await readAnswer(res);
          expect(answer.status).toBeGreaterThanOrEqual(400);
        },
      ),
    fuzzTimeout(),
  );
});
