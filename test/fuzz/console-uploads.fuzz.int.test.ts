/**
 * Fuzzing the console's CSV uploads through their route handlers, signed in as ADMIN: business tables
 * (`POST /api/console/warehouse/business/{kind}`), campaign spend (`POST /api/console/roi/spend/upload`)
 * and import files (`PUT /api/console/imports/{id}/files/{object}`, on a job that already holds a good
 * file). Files are not CSV, empty, binary, header-only, ragged, unbalanced, or have no valid row: each is
 * a 4xx naming the problem, and nothing changes — not even the earlier file's rows or an audit line.
 */
import { Readable } from "node:stream";
import type * as NextAuth from "next-auth";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PUT as importFilePut } from "@/app/api/console/imports/[id]/files/[object]/route";
import { POST as spendUpload } from "@/app/api/console/roi/spend/upload/route";
import { POST as businessUpload } from "@/app/api/console/warehouse/business/[kind]/route";
import { db } from "@/lib/db";
import { clearPropertyCache } from "@/lib/imports/hubspot-properties";
import { createImportJob, ingestFile } from "@/lib/imports/jobs";
import { parseBusinessCsv } from "@/lib/warehouse/business-import";
import {
  normaliseRow,
  validateRows,
  BUSINESS_KINDS,
  type TBusinessKind,
} from "@/lib/warehouse/business-rows";
import { ZSpendRow } from "@/lib/analytics/campaign-spend";
import { unstorableTextPath } from "@/lib/api/body";
import { startHubspotSandbox, type THubspotSandbox } from "@/sandbox/hubspot";
import { withFreshDatabase } from "@/test/db";
import { restoreAppEnv, stubAppEnv } from "@/test/env";
import { contentType, junkCsvBytes, junkSegment, junkText } from "./support/arbitraries";
import { SAME_ORIGIN, session, signInAsAdmin } from "./support/console-session";
import { expectRefused, fuzzRequest, type TBody } from "./support/http";
import { fuzzNoChange, quietRefusalLogs } from "./support/property";
import { fuzzTimeout } from "./support/runs";

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof NextAuth>()),
  getServerSession: () => Promise.resolve(session.userId ? { user: { id: session.userId } } : null),
}));

const database = withFreshDatabase();
let hubspot: THubspotSandbox;
let jobId = "";

beforeAll(async () => {
  quietRefusalLogs();
  hubspot = await startHubspotSandbox({ port: 0, webhookUrl: null, log: () => {} });
  stubAppEnv(database.url(), { HUBSPOT_ACCESS_TOKEN: "pat-na1-fuzz", HUBSPOT_API_BASE: hubspot.url });
  clearPropertyCache();
  await signInAsAdmin();
  await db().campaign.create({ data: { name: "Spring fair", scene: "spring" } });
  await db().team.create({ data: { teamId: "t_seed", name: "Seed team" } });
  // A job that already holds a good contacts file: a refused re-upload must leave its rows alone.
  jobId = (await createImportJob("fuzz", null)).id;
  await ingestFile({
    jobId,
    object: "contacts",
    fileName: "contacts.csv",
    source: Readable.from([Buffer.from("email,first name\nann@example.com,Ann\nbob@example.com,Bob\n")]),
  });
}, 120_000);

afterAll(async () => {
  await hubspot?.close();
  restoreAppEnv();
});

const bytes = (body: TBody) =>
  typeof body === "string" ? body : new TextDecoder().decode(body ?? new Uint8Array());

/** Rows of a file that are valid for the schema and storable (such a row would rightly be imported). */
function usableRows(body: TBody, valid: (row: Record<string, unknown>) => boolean): number {
  let rows: Record<string, string>[];
  try {
    rows = parseBusinessCsv(bytes(body));
  } catch {
    return 0;
  }
  return rows.filter((r) => valid(r) && unstorableTextPath(r) === null).length;
}

/** CSV files: the shared junk, plus files with the right headers and junk cells. */
function csvFiles(headers: string[]): fc.Arbitrary<TBody> {
  const shaped = fc
    .array(
      fc.array(fc.oneof(junkText, fc.constantFrom("", "1", "abc", "2026-13-45", "-5", "1e9")), {
        minLength: headers.length,
        maxLength: headers.length,
      }),
      { maxLength: 6 },
    )
    .map((rows) =>
      [headers.join(","), ...rows.map((r) => r.map((c) => `"${c.replaceAll('"', '""')}"`).join(","))].join(
        "\n",
      ),
    );
  return fc.oneof(junkCsvBytes, shaped);
}

const send = (url: string, method: string, body: TBody, type: string | undefined) =>
  fuzzRequest(url, { method, body, headers: { "content-type": type, ...SAME_ORIGIN } });

describe("POST /api/console/warehouse/business/{kind} under fuzz", () => {
  const kind = fc.oneof(fc.constantFrom<string>(...BUSINESS_KINDS), junkSegment);
  it(
    "refuses every file without an importable row with a 4xx and changes nothing",
    () =>
      fuzzNoChange(
        fc
          .record({ kind, type: contentType, body: csvFiles(["user_id", "team_id", "name", "email"]) })
          .filter(
            (i) =>
              !(BUSINESS_KINDS as readonly string[]).includes(i.kind) ||
              usableRows(i.body, (r) => validateRows(i.kind as TBusinessKind, [r]).good.length > 0) === 0,
          ),
        async (i) => {
          const res = await businessUpload(
            send("http://localhost/api/console/warehouse/business/k", "POST", i.body, i.type),
            {
              params: Promise.resolve({ kind: i.kind }),
            },
          );
          await expectRefused(res);
        },
      ),
    fuzzTimeout(),
  );
});

describe("POST /api/console/roi/spend/upload under fuzz", () => {
  it(
    "refuses every file without an importable spend row with a 4xx and changes nothing",
    () =>
      fuzzNoChange(
        fc
          .record({ type: contentType, body: csvFiles(["date", "campaign", "amount", "currency"]) })
          .filter((i) => usableRows(i.body, (r) => ZSpendRow.safeParse(normaliseRow(r)).success) === 0),
        async (i) => {
          await expectRefused(
            await spendUpload(send("http://localhost/api/console/roi/spend/upload", "POST", i.body, i.type), {
              params: Promise.resolve({}),
            }),
          );
        },
      ),
    fuzzTimeout(),
  );
});

describe("PUT /api/console/imports/{id}/files/{object} under fuzz", () => {
  /** Files the importer must refuse: not text, empty, header-only (all its junk that is CSV has rows). */
  const badImportFile: fc.Arbitrary<TBody> = fc.oneof(
    fc.constantFrom("", "\n\n", "   ", "\uFEFF", "email,first name\n", "a;b;c\r\n", "\u0000\u0000\u0000x"),
    fc.uint8Array({ minLength: 1, maxLength: 2_048 }).map((b) => {
      b[0] = 0; // binary: NUL bytes are never text
      return b;
    }),
    fc.constant(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])),
    junkText.map((h) => `${h.replace(/[\r\n]/g, "")}\n`),
  );
  const target = fc.oneof(
    fc.record({
      id: fc.constant("seeded"),
      object: fc.constantFrom("contacts", "companies", "tickets"),
      body: badImportFile,
    }),
    fc.record({
      id: junkSegment,
      object: fc.oneof(fc.constantFrom("contacts"), junkSegment),
      body: fc.oneof(badImportFile, junkCsvBytes),
    }),
  );
  it(
    "refuses bad files and unknown jobs or objects with a 4xx, keeping the job's earlier rows",
    () =>
      fuzzNoChange(
        fc.record({ target, type: contentType }),
        async ({ target: t, type }) => {
          const id = t.id === "seeded" ? jobId : t.id;
          const res = await importFilePut(
            send("http://localhost/api/console/imports/j/files/o?name=x.csv", "PUT", t.body, type),
            {
              params: Promise.resolve({ id, object: t.object }),
            },
          );
          await expectRefused(res);
        },
        // Mapping a file's headers reads the portal's properties before its rows are parsed: the rate
        // governor books that HubSpot call even when the file is then refused. Nothing else may change.
        { allowedTables: ["RateLimitState", "RateLimitMinute"] },
      ),
    fuzzTimeout(),
  );

  it("the seeded job still has its two contacts rows", async () => {
    expect(await db().importRow.count({ where: { jobId, object: "contacts" } })).toBe(2);
  });
});
