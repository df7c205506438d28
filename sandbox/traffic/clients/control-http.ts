/**
 * JSON calls to the stand-ins' `/__sandbox/…` control endpoints (and WeChat's JSON API). Failures
 * become a `ControlCallError` naming the endpoint and status, with the stand-in's one-line `error`
 * text — never the whole body.
 */
import type { z } from "zod";

const TIMEOUT_MS = 30_000;

export class ControlCallError extends Error {
  override name = "ControlCallError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A step that cannot run because something it needs is missing (an id an earlier step failed to get). */
export class SkipStepError extends Error {
  override name = "SkipStepError";
}

function errorText(body: unknown): string {
  if (body && typeof body === "object") {
    const e = (body as { error?: unknown }).error;
    if (typeof e === "string") return e.slice(0, 200);
    if (e && typeof e === "object" && typeof (e as { message?: unknown }).message === "string") {
      return (e as { message: string }).message.slice(0, 200);
    }
    const m = (body as { message?: unknown }).message;
    if (typeof m === "string") return m.slice(0, 200);
  }
  return "no error text";
}

export async function callJson<T extends z.ZodType>(
  baseUrl: string,
  method: "GET" | "POST",
  path: string,
  schema: T,
  body?: unknown,
): Promise<z.infer<T>> {
  const res = await fetch(new URL(path, baseUrl), {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    throw new ControlCallError(res.status, `${method} ${path}: HTTP ${res.status}, not JSON`);
  }
  if (!res.ok)
    throw new ControlCallError(res.status, `${method} ${path}: HTTP ${res.status} ${errorText(parsed)}`);
  const checked = schema.safeParse(parsed);
  if (!checked.success) {
    throw new ControlCallError(
      res.status,
      `${method} ${path}: unexpected answer (${checked.error.issues[0]?.message ?? "?"})`,
    );
  }
  return checked.data;
}
