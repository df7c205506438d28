import "server-only";
import { z } from "zod";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { acquire, penalize } from "@/lib/sync/governor";
import {
  ProviderRateLimitedError,
  ProviderRejectedError,
  ProviderUnavailableError,
  retryAfterMs,
} from "@/lib/connectors/errors";

/**
 * A small typed client for OpenApply's API v3 (there is no official SDK): bearer token from
 * OPENAPPLY_API_TOKEN, base URL from OPENAPPLY_API_BASE, every request under the governor's
 * "OPENAPPLY" bucket. Errors map to the three provider error kinds (lib/connectors/errors.ts).
 */

const TIMEOUT_MS = 15_000;

/** The student fields RevBridge reads; OpenApply sends many more (kept in `raw`). */
export const ZOpenApplyStudent = z
  .object({
    id: z.number().int(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    name: z.string().nullish(),
    email: z.string().nullish(),
    status: z.string(),
    applied_at: z.string().nullish(),
    applied_date: z.string().nullish(),
    enrolled_at: z.string().nullish(),
    enrolled_date: z.string().nullish(),
    updated_at: z.string(),
    custom_fields: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();
export type TOpenApplyStudent = z.infer<typeof ZOpenApplyStudent>;

const ZStudentList = z.object({
  students: z.array(ZOpenApplyStudent),
  meta: z
    .object({ pages: z.number().int(), page: z.number().int(), total: z.number().int().optional() })
    .loose(),
});
const ZStudentEnvelope = z.object({ student: ZOpenApplyStudent });

export function openApplyConfigured(): boolean {
  const e = env();
  return Boolean(e.OPENAPPLY_API_BASE && e.OPENAPPLY_API_TOKEN);
}

function config(): { base: string; token: string } {
  const { OPENAPPLY_API_BASE, OPENAPPLY_API_TOKEN } = env();
  if (!OPENAPPLY_API_BASE || !OPENAPPLY_API_TOKEN) {
    throw new AppError(
      "unavailable",
      "OpenApply is not connected: set OPENAPPLY_API_BASE and OPENAPPLY_API_TOKEN.",
    );
  }
  return { base: OPENAPPLY_API_BASE.replace(/\/$/, ""), token: OPENAPPLY_API_TOKEN };
}

async function request<T extends z.ZodType>(
  method: "GET" | "PUT" | "PATCH",
  path: string,
  schema: T,
  body?: unknown,
): Promise<z.infer<T>> {
  const { base, token } = config();
  await acquire("OPENAPPLY");
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    throw new ProviderUnavailableError("OPENAPPLY", `OpenApply unreachable: ${text}`);
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's error page): keep the text for the message.
  }
  const message = `OpenApply ${res.status} on ${method} ${path.split("?")[0]}`;
  if (res.status === 429) {
    const wait = retryAfterMs(res.headers.get("retry-after")) ?? 1000;
    await penalize("OPENAPPLY", "default", wait);
    throw new ProviderRateLimitedError("OPENAPPLY", wait, message);
  }
  if (res.status >= 500) throw new ProviderUnavailableError("OPENAPPLY", message, res.status);
  if (!res.ok) throw new ProviderRejectedError("OPENAPPLY", res.status, message, parsed);
  const result = schema.safeParse(parsed);
  if (!result.success) {
    throw new ProviderUnavailableError("OPENAPPLY", `${message}: unexpected answer shape`, res.status);
  }
  return result.data;
}

/** One page of students changed at or after `updatedSince` (OpenApply's `since_date`/`updated_since`). */
export async function listStudentsPage(opts: {
  updatedSince?: Date;
  page: number;
  perPage?: number;
}): Promise<{ students: TOpenApplyStudent[]; pages: number }> {
  const q = new URLSearchParams({ page: String(opts.page), per_page: String(opts.perPage ?? 100) });
  if (opts.updatedSince) q.set("updated_since", opts.updatedSince.toISOString());
  const data = await request("GET", `/api/v3/students?${q.toString()}`, ZStudentList);
  return { students: data.students, pages: data.meta.pages };
}

export async function getStudent(id: string): Promise<TOpenApplyStudent> {
  const data = await request("GET", `/api/v3/students/${encodeURIComponent(id)}`, ZStudentEnvelope);
  return data.student;
}

/** Writes custom fields (merged with the existing ones by OpenApply). */
export async function updateStudentCustomFields(
  id: string,
  fields: Record<string, string | null>,
): Promise<TOpenApplyStudent> {
  const data = await request(
    "PUT",
    `/api/v3/students/${encodeURIComponent(id)}/custom_fields`,
    ZStudentEnvelope,
    { custom_fields: fields },
  );
  return data.student;
}
