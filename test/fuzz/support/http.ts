/**
 * Building requests from generated parts, and the one judgement every fuzzed answer must pass: no
 * 5xx, and a refusal is a 4xx that says why (JSON `{ error: { message } }` or a plain-text line).
 */
import { expect } from "vitest";

export type TBody = string | Uint8Array | undefined;

export function fuzzRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string | undefined>; body?: TBody },
): Request {
  const method = init.method ?? "POST";
  const headers = new Headers();
  for (const [name, value] of Object.entries(init.headers ?? {})) {
    if (value !== undefined) headers.set(name, value);
  }
  const canHaveBody = method !== "GET" && method !== "HEAD";
  return new Request(url, {
    method,
    headers,
    ...(canHaveBody && init.body !== undefined ? { body: init.body as BodyInit } : {}),
  });
}

export type TAnswer = { status: number; message: string };

/** Reads the answer and checks it is not a server error and, when not 2xx/3xx, carries a message. */
export async function readAnswer(res: Response): Promise<TAnswer> {
  const text = await res.text();
  expect(res.status, `server error: ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status < 400) return { status: res.status, message: text };
  const type = res.headers.get("content-type") ?? "";
  let message = text;
  if (type.includes("application/json")) {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    expect(typeof parsed.error?.message, "a JSON refusal names its reason").toBe("string");
    message = String(parsed.error?.message);
  }
  expect(message.trim().length, "a refusal says why").toBeGreaterThan(0);
  return { status: res.status, message };
}

/** A 4xx with a message, and nothing else, for input that is bad. */
export async function expectRefused(res: Response): Promise<TAnswer> {
  const answer = await readAnswer(res);
  expect(answer.status, `accepted bad input: ${answer.message.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  return answer;
}
