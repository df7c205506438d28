/**
 * Body size limits on every endpoint that reads a body, through the real handlers: a body over the
 * limit is a 413 after at most the limit (plus the chunk in flight) has been pulled from the stream —
 * with no Content-Length, with a Content-Length that understates the body, and, when Content-Length
 * already declares too much, before a single byte is read. Nothing is written.
 */
import { Readable } from "node:stream";
import type * as NextAuth from "next-auth";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as campaignsPost } from "@/app/api/console/campaigns/route";
import { PUT as importFilePut } from "@/app/api/console/imports/[id]/files/[object]/route";
import { POST as spendUpload } from "@/app/api/console/roi/spend/upload/route";
import { POST as businessUpload } from "@/app/api/console/warehouse/business/[kind]/route";
import { POST as businessPost } from "@/app/api/v1/business/[kind]/route";
import { POST as eventsPost } from "@/app/api/v1/events/route";
import { POST as wechatCodePost } from "@/app/api/wechat/code/route";
import { POST as wechatPost } from "@/app/api/wechat/route";
import { POST as hubspotPost } from "@/app/api/webhooks/hubspot/route";
import { POST as stripePost } from "@/app/api/webhooks/stripe/route";
import { CONSOLE_BODY_LIMIT_BYTES } from "@/lib/api/body";
import { createApiKey } from "@/lib/api-keys/keys";
import { EVENTS_BODY_LIMIT_BYTES } from "@/lib/events/ingest";
import { MAX_IMPORT_BYTES } from "@/lib/imports/csv-reader";
import { clearPropertyCache } from "@/lib/imports/hubspot-properties";
import { createImportJob, ingestFile } from "@/lib/imports/jobs";
import { WEBHOOK_BODY_LIMIT_BYTES } from "@/lib/inbox/receive";
import { CSV_UPLOAD_LIMIT_BYTES } from "@/lib/warehouse/console";
import { WECHAT_BODY_LIMIT_BYTES } from "@/lib/wechat/callback";
import { startHubspotSandbox, type THubspotSandbox } from "@/sandbox/hubspot";
import { withFreshDatabase } from "@/test/db";
import { restoreAppEnv, stubAppEnv } from "@/test/env";
import { SAME_ORIGIN, session, signInAsAdmin } from "./support/console-session";
import { installWriteCounter, writeCounts, writesBetween } from "./support/db-state";
import { quietRefusalLogs } from "./support/property";
import { fullFuzzRun } from "./support/runs";
import { streamingRequest, trackedBody } from "./support/tracked-body";

vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof NextAuth>()),
  getServerSession: () => Promise.resolve(session.userId ? { user: { id: session.userId } } : null),
}));

const database = withFreshDatabase();
let hubspot: THubspotSandbox;
let key = "";
let jobId = "";
let writesBefore: Record<string, number> = {};

beforeAll(async () => {
  quietRefusalLogs();
  hubspot = await startHubspotSandbox({ port: 0, webhookUrl: null, log: () => {} });
  stubAppEnv(database.url(), {
    APP_URL: "https://revbridge.example",
    STRIPE_WEBHOOK_SECRET: "whsec_limits",
    HUBSPOT_CLIENT_SECRET: "hubspot-limits",
    HUBSPOT_ACCESS_TOKEN: "pat-na1-limits",
    HUBSPOT_API_BASE: hubspot.url,
    WECHAT_APP_ID: "wxlimits00000001",
    WECHAT_TOKEN: "limits",
  });
  clearPropertyCache();
  await signInAsAdmin();
  key = (
    await createApiKey({
      name: "limits",
      scopes: ["events:write", "business:write", "wechat:code"],
      createdById: null,
    })
  ).key;
  jobId = (await createImportJob("limits", null)).id;
  await ingestFile({
    jobId,
    object: "contacts",
    fileName: "contacts.csv",
    source: Readable.from([Buffer.from("email\nann@example.com\n")]),
  });
  await installWriteCounter();
  writesBefore = await writeCounts();
}, 120_000);

afterAll(async () => {
  await hubspot?.close();
  restoreAppEnv();
});

type TEndpoint = {
  name: string;
  limit: number;
  path: string;
  headers?: Record<string, string>;
  method?: string;
  call: (request: Request) => Promise<Response>;
};

const noParams = { params: Promise.resolve({}) };
const auth = () => ({ authorization: `Bearer ${key}`, "content-type": "application/json" });
const endpoints: TEndpoint[] = [
  {
    name: "POST /api/webhooks/stripe",
    limit: WEBHOOK_BODY_LIMIT_BYTES,
    path: "/api/webhooks/stripe",
    call: (r) => stripePost(r),
  },
  {
    name: "POST /api/webhooks/hubspot",
    limit: WEBHOOK_BODY_LIMIT_BYTES,
    path: "/api/webhooks/hubspot",
    call: (r) => hubspotPost(r),
  },
  {
    name: "POST /api/wechat",
    limit: WECHAT_BODY_LIMIT_BYTES,
    path: "/api/wechat?timestamp=1&nonce=n&signature=x",
    call: (r) => wechatPost(r),
  },
  {
    name: "POST /api/wechat/code",
    limit: CONSOLE_BODY_LIMIT_BYTES,
    path: "/api/wechat/code",
    call: (r) => wechatCodePost(r, noParams),
  },
  {
    name: "POST /api/v1/events",
    limit: EVENTS_BODY_LIMIT_BYTES,
    path: "/api/v1/events",
    call: (r) => eventsPost(r, noParams),
  },
  {
    name: "POST /api/v1/business/{kind}",
    limit: 10 * 1024 * 1024,
    path: "/api/v1/business/teams",
    call: (r) => businessPost(r, { params: Promise.resolve({ kind: "teams" }) }),
  },
  {
    name: "POST /api/console/campaigns (every console JSON body)",
    limit: CONSOLE_BODY_LIMIT_BYTES,
    path: "/api/console/campaigns",
    headers: { "content-type": "application/json" },
    call: (r) => campaignsPost(r, noParams),
  },
  {
    name: "POST /api/console/warehouse/business/{kind}",
    limit: CSV_UPLOAD_LIMIT_BYTES,
    path: "/api/console/warehouse/business/teams",
    call: (r) => businessUpload(r, { params: Promise.resolve({ kind: "teams" }) }),
  },
  {
    name: "POST /api/console/roi/spend/upload",
    limit: CSV_UPLOAD_LIMIT_BYTES,
    path: "/api/console/roi/spend/upload",
    call: (r) => spendUpload(r, noParams),
  },
  {
    name: "PUT /api/console/imports/{id}/files/{object}",
    limit: MAX_IMPORT_BYTES,
    method: "PUT",
    path: "/api/console/imports/j/files/contacts",
    call: (r) => importFilePut(r, { params: Promise.resolve({ id: jobId, object: "contacts" }) }),
  },
];

function send(
  e: TEndpoint,
  body: ReadableStream<Uint8Array> | string,
  contentLength?: number,
): Promise<Response> {
  const headers: Record<string, string> = {
    ...SAME_ORIGIN,
    ...e.headers,
    ...(e.path.startsWith("/api/v1") || e.path === "/api/wechat/code" ? auth() : {}),
  };
  if (contentLength !== undefined) headers["content-length"] = String(contentLength);
  return e.call(
    streamingRequest(
      `https://revbridge.example${e.path}`.replace(
        "https://revbridge.example/api/console",
        "http://localhost/api/console",
      ),
      { method: e.method, headers, body },
    ),
  );
}

async function expect413(res: Response): Promise<void> {
  const text = await res.text();
  expect(res.status, text.slice(0, 200)).toBe(413);
  expect((JSON.parse(text) as { error: { message: string } }).error.message).toMatch(/limit|larger/i);
}

describe.each(endpoints)("$name", (e) => {
  // Streaming 100 MB through the CSV reader takes ~15 s on a busy machine: full runs only.
  const streamIt = e.limit > CSV_UPLOAD_LIMIT_BYTES && !fullFuzzRun ? it.skip : it;

  streamIt(
    `refuses a streamed body over the limit after reading at most the limit`,
    async () => {
      const body = trackedBody(e.limit * 3, { chunk: 256 * 1024 });
      await expect413(await send(e, body.stream));
      expect(body.pulled()).toBeLessThanOrEqual(e.limit + 2 * body.chunk);
    },
    120_000,
  );

  streamIt(
    "refuses a body whose Content-Length understates it, still while streaming",
    async () => {
      const body = trackedBody(e.limit * 3, { chunk: 256 * 1024 });
      await expect413(await send(e, body.stream, 10));
      expect(body.pulled()).toBeLessThanOrEqual(e.limit + 2 * body.chunk);
    },
    120_000,
  );

  it("refuses a declared Content-Length over the limit before reading anything", async () => {
    const body = trackedBody(16);
    await expect413(await send(e, body.stream, e.limit + 1));
    expect(body.pulled()).toBe(0);
  });
});

it("nothing was written by any refused body", async () => {
  expect(writesBetween(writesBefore, await writeCounts())).toEqual({});
});
