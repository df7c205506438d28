import type { z } from "zod";
import { AppError } from "@/lib/errors";

/** Console mutation bodies are small; the limit is enforced before parsing. */
export const CONSOLE_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Refuses before reading when Content-Length already says too much. Only an early exit: a body that
 * declares less than it sends is still cut off while streaming (readBodyBytes, the CSV reader).
 */
export function assertDeclaredLength(request: Request, limit: number): void {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) {
    throw new AppError("payload_too_large", `Request body is over the ${limit}-byte limit.`);
  }
}

/** Reads at most `limit` bytes of a request body, refusing early when Content-Length already says too much. */
export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array> {
  assertDeclaredLength(request, limit);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new AppError("payload_too_large", `Request body is over the ${limit}-byte limit.`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/**
 * Where in a parsed JSON value there is text PostgreSQL cannot store (text and jsonb alike): a NUL
 * character, or an unpaired UTF-16 surrogate (only reachable through `\uD800`-style escapes). Such input
 * used to pass validation and fail at the INSERT with a 500. Walks with an explicit stack, since the
 * value may be nested thousands deep.
 */
// NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function unstorableTextPath(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, "(body)"]];
  const bad = (s: string) => UNSTORABLE.test(s);
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === "string") {
      if (bad(v)) return path;
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    } else if (v && typeof v === "object") {
      for (const [k, item] of Object.entries(v)) {
        if (bad(k)) return `${path}.${k.replaceAll("\0", "\\0")}`;
        stack.push([item, path === "(body)" ? k : `${path}.${k}`]);
      }
    }
  }
  return null;
}

export function assertStorableText(value: unknown): void {
  const path = unstorableTextPath(value);
  if (path !== null) {
    throw new AppError(
      "bad_request",
      `The text at ${path} contains a NUL character or broken unicode (an unpaired surrogate); remove it and resend.`,
    );
  }
}

/**
 * Path parameters and query values reach database queries as text: `/dead-letters/%00` or `?q=%00` used
 * to fail inside PostgreSQL with a 500. Refused here as a 400 naming the parameter.
 */
export function assertStorableUrlText(url: URL, params: Record<string, unknown>): void {
  assertStorableText(params);
  // Every pair, not the last per name: handlers read `searchParams.get()`, the first of a repeated name.
  for (const [name, value] of url.searchParams) assertStorableText({ [`?${name}`]: value });
}

/** JSON.parse for request bodies: invalid JSON and unstorable text are 400s that say so. */
export function parseJsonText(text: string, help = ""): unknown {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", `The body is not valid JSON.${help ? ` ${help}` : ""}`);
  }
  assertStorableText(raw);
  return raw;
}

/** Flattens zod issues into `{ "field.path": "message" }` for people to act on. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "(body)";
    out[key] ??= issue.message;
  }
  return out;
}

export async function readJsonBody<T extends z.ZodType>(
  request: Request,
  schema: T,
  limit = CONSOLE_BODY_LIMIT_BYTES,
): Promise<z.infer<T>> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new AppError("unsupported_media_type", "Send the body as JSON (Content-Type: application/json).");
  }
  const bytes = await readBodyBytes(request, limit);
  const raw = parseJsonText(new TextDecoder().decode(bytes));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("bad_request", "Some fields are invalid.", fieldErrors(parsed.error));
  }
  return parsed.data;
}
