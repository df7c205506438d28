import { AppError } from "@/lib/errors";

export function json(data: unknown, init: ResponseInit = {}): Response {
  return Response.json(data, {
    ...init,
    headers: { "cache-control": "no-store", ...(init.headers ?? {}) },
  });
}

/** AppError → its status and message; anything else → 500 without internals. */
export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    return json(
      {
        error: {
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
      },
      { status: error.status },
    );
  }
  return json(
    { error: { code: "internal", message: "Something went wrong on our side; it has been logged." } },
    { status: 500 },
  );
}
