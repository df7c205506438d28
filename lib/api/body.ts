import type { z } from "zod";
import { AppError } from "@/lib/errors";

/** Console mutation bodies are small; the limit is enforced before parsing. */
export const CONSOLE_BODY_LIMIT_BYTES = 64 * 1024;

/** Reads at most `limit` bytes of a request body, refusing early when Content-Length already says too much. */
export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) {
    throw new AppError("payload_too_large", `Request body is over the ${limit}-byte limit.`);
  }
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
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new AppError("bad_request", "The body is not valid JSON.");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("bad_request", "Some fields are invalid.", fieldErrors(parsed.error));
  }
  return parsed.data;
}
