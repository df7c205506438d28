import { createHmac } from "node:crypto";
import { z } from "zod";
import type { TEvent } from "./context";
import { parseRetryAfter } from "./durations";

/**
 * One Call Request to the app's serve handler (SDK spec 4.4) and the classification of its answer.
 * No database work here: the outcome is applied by outcome.ts in one transaction.
 *
 * We do not send `ctx.fn_id`, so SDK v4 runs in its classic async mode (one step per request, results
 * returned in the response) instead of "checkpointing" to an API this runner does not implement.
 */

export interface TCallInput {
  url: string;
  stepId: string;
  runId: string;
  attempt: number;
  maxAttempts: number;
  events: TEvent[];
  steps: Record<string, unknown>;
  /** The ids of `steps` in completion order; must list every one of them (see loadRunMemo). */
  stack: string[];
  disableImmediateExecution: boolean;
  requestVersion: number | null;
  signingKey?: string;
  timeoutMs: number;
  /** Above this body size, send `use_api: true` and let the SDK fetch events and steps from /v0/runs. */
  maxBodyBytes: number;
  signal?: AbortSignal;
}

export const ZOp = z
  .object({
    id: z.string().min(1),
    op: z.string().min(1),
    name: z.string().optional(),
    displayName: z.string().optional(),
    opts: z.record(z.string(), z.unknown()).nullish(),
    data: z.unknown().optional(),
    error: z.unknown().optional(),
  })
  .loose();

export type TOp = z.infer<typeof ZOp>;

export type TCallResult =
  | { kind: "complete"; status: number; output: unknown; requestVersion?: number }
  | { kind: "ops"; status: number; ops: TOp[]; retryAfterMs?: number; requestVersion?: number }
  | {
      kind: "error";
      status?: number;
      error: { name: string; message: string; [k: string]: unknown };
      noRetry: boolean;
      retryAfterMs?: number;
      malformed?: boolean;
    };

/** JSON Canonicalization (RFC 8785 key order) — the SDK verifies signatures over the canonical body. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** `X-Inngest-Signature` (SDK spec 4.1.1): HMAC-SHA256 over body + timestamp, keyed by the key without its prefix. */
export function signBody(body: string, signingKey: string, nowSeconds: number): string {
  const key = signingKey.replace(/^signkey-\w+-/, "");
  const mac = createHmac("sha256", key).update(body).update(String(nowSeconds)).digest("hex");
  return `t=${nowSeconds}&s=${mac}`;
}

function buildBody(input: TCallInput): string {
  const ctx = {
    run_id: input.runId,
    attempt: input.attempt,
    max_attempts: input.maxAttempts,
    disable_immediate_execution: input.disableImmediateExecution,
    use_api: false,
    stack: { stack: input.stack, current: input.stack.length },
  };
  const payload: Record<string, unknown> = {
    event: input.events[0] ?? {},
    events: input.events,
    steps: input.steps,
    ctx,
  };
  if (input.requestVersion !== null) payload.version = input.requestVersion;
  const serialize = input.signingKey ? canonicalJson : (v: unknown) => JSON.stringify(v);
  const body = serialize(payload);
  if (Buffer.byteLength(body) <= input.maxBodyBytes) return body;
  // The SDK fetches the steps later (GET /v0/runs/:id/actions), when more may have completed. With an
  // empty stack it takes the order from the fetched keys, so stack and steps cannot disagree (runs.ts).
  return serialize({
    ...payload,
    events: [],
    steps: {},
    ctx: { ...ctx, use_api: true, stack: { stack: [], current: 0 } },
  });
}

function asError(value: unknown, fallback: string): { name: string; message: string; [k: string]: unknown } {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const message =
      typeof o.message === "string" ? o.message : typeof o.error === "string" ? o.error : fallback;
    return { ...o, name: typeof o.name === "string" ? o.name : "Error", message };
  }
  return { name: "Error", message: typeof value === "string" && value ? value.slice(0, 500) : fallback };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function classifyResponse(status: number, headers: Headers, text: string, nowMs: number): TCallResult {
  // Streaming (INNGEST_STREAMING): 201 with heartbeats, then the real response as JSON.
  if (status === 201) {
    const inner = parseJson(text.trim());
    const o = inner.ok ? (inner.value as { status?: unknown; headers?: unknown; body?: unknown }) : undefined;
    if (!o || typeof o.status !== "number") {
      return {
        kind: "error",
        status,
        error: { name: "MalformedResponse", message: "streamed response did not end with a JSON result" },
        noRetry: false,
        malformed: true,
      };
    }
    const innerHeaders = new Headers();
    for (const [k, v] of Object.entries((o.headers as Record<string, unknown>) ?? {}))
      if (typeof v === "string") innerHeaders.set(k, v);
    return classifyResponse(
      o.status,
      innerHeaders,
      typeof o.body === "string" ? o.body : JSON.stringify(o.body ?? null),
      nowMs,
    );
  }
  const versionHeader = Number(headers.get("x-inngest-req-version"));
  const requestVersion = Number.isInteger(versionHeader) && versionHeader > 0 ? versionHeader : undefined;
  const retryAfterMs = parseRetryAfter(headers.get("retry-after"), nowMs);
  const parsed = parseJson(text);
  if (status === 200)
    return { kind: "complete", status, output: parsed.ok ? parsed.value : text, requestVersion };
  if (status === 206) {
    const ops = parsed.ok ? z.array(ZOp).safeParse(parsed.value) : undefined;
    if (!ops?.success) {
      return {
        kind: "error",
        status,
        error: { name: "MalformedResponse", message: "206 response was not an array of step operations" },
        noRetry: false,
        malformed: true,
      };
    }
    return { kind: "ops", status, ops: ops.data, retryAfterMs, requestVersion };
  }
  const noRetry = headers.get("x-inngest-no-retry") === "true";
  return {
    kind: "error",
    status,
    error: asError(parsed.ok ? parsed.value : text, `HTTP ${status}`),
    noRetry,
    retryAfterMs,
  };
}

export async function callFunction(input: TCallInput): Promise<TCallResult> {
  const url = new URL(input.url);
  url.searchParams.set("stepId", input.stepId);
  const body = buildBody(input);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "revbridge-inngest-runner",
    "x-inngest-server-kind": "dev",
  };
  if (input.requestVersion !== null) headers["x-inngest-req-version"] = String(input.requestVersion);
  if (input.signingKey)
    headers["x-inngest-signature"] = signBody(body, input.signingKey, Math.floor(Date.now() / 1000));
  const signal = input.signal
    ? AbortSignal.any([input.signal, AbortSignal.timeout(input.timeoutMs)])
    : AbortSignal.timeout(input.timeoutMs);
  try {
    const res = await fetch(url, { method: "POST", headers, body, signal });
    const text = await res.text();
    return classifyResponse(res.status, res.headers, text, Date.now());
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : "";
    const message = err instanceof Error ? `${err.message}${cause}` : String(err);
    return {
      kind: "error",
      error: { name: "RequestError", message: `could not reach ${url.origin}${url.pathname}: ${message}` },
      noRetry: false,
    };
  }
}
